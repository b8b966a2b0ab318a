// The outputs of the protocol core (NodeCore). The core calls these synchronously while it handles an input and
// never waits on them: the socket driver turns them into socket operations and queued UI events, the simulator into
// simulated deliveries. An implementation must not call back into the core from inside these calls.
namespace P2PChat.Net;

internal interface ICoreEffects : IChatSink
{
    /// <summary>Queues one whole frame for <paramref name="link"/>. False when the link's queue is full: the core then
    /// closes the link (CloseKind.PeerNotReading). Queued frames go out when the current input is handled.</summary>
    bool Send(int link, ReadOnlySpan<byte> frame);

    /// <summary>Starts the sends queued so far now, not when the input is handled: the core is about to spend a while
    /// (an Ed25519 check) on a line it has already passed on.</summary>
    void Push();

    /// <summary>Opens a connection to <paramref name="to"/> for the core's <paramref name="link"/>; answer with
    /// NodeCore.Connected, or NodeCore.Lost with the reason it failed.</summary>
    void Connect(int link, System.Net.IPEndPoint to);

    /// <summary>Sends what is queued on <paramref name="link"/>, then our FIN; keeps reading. Once both sides have
    /// finished, the driver closes the connection and reports NodeCore.Lost(link, its retire reason).</summary>
    void Drain(int link);

    /// <summary>Aborts <paramref name="link"/> at once (nothing flushed). Nothing is reported back.</summary>
    void Close(int link, LinkClose reason);

    /// <summary>A link's handshake finished (every link, not only a peer's first: JoinAsync waits for this).</summary>
    void Opened(int link, PeerInfo peer);
}
