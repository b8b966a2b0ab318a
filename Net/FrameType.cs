// The kinds of frame on the wire. Numbers are part of protocol version 1 (docs/PROTOCOL.md); never reuse one.
namespace P2PChat.Net;

internal enum FrameType : byte
{
    Hello = 1,
    Chat = 2,

    /// <summary>Heartbeat: no payload. Sent on a link that has been quiet for a heartbeat interval.</summary>
    Ping = 3,

    /// <summary>Peer exchange: listen addresses of other peers, to reconnect through when links are lost.</summary>
    Peers = 4,
}
