// The kinds of frame on the wire. Numbers are part of protocol version 1 (docs/PROTOCOL.md); never reuse one.
namespace P2PChat.Net;

internal enum FrameType : byte
{
    Hello = 1,
    Chat = 2,
}
