// Life cycle of one link in the core: (Connecting ->) Handshaking -> Open -> (Draining ->) Closed. Only Open links
// get floods.
namespace P2PChat.Net;

internal enum LinkState : byte
{
    /// <summary>The TCP connection is not up yet (outbound), or not yet registered by the driver (inbound).</summary>
    Connecting,

    /// <summary>Connected; our HELLO is sent, theirs has not arrived.</summary>
    Handshaking,

    /// <summary>HELLO exchanged; messages flow both ways.</summary>
    Open,

    /// <summary>We are leaving this link: nothing new is queued, the queue is flushed, FIN is sent, and we keep
    /// reading (and handling) what the peer still sends until it closes too. That makes a retire lossless.</summary>
    Draining,

    Closed,
}
