// The outcome of looking for one frame at the start of a receive buffer.
namespace P2PChat.Net;

internal enum FrameStatus
{
    /// <summary>A whole frame is there.</summary>
    Complete,

    /// <summary>More bytes are needed; nothing is wrong yet.</summary>
    Incomplete,

    /// <summary>The length prefix is zero: a frame must at least carry its type.</summary>
    Empty,

    /// <summary>The length prefix is above Protocol.MaxFrameBody.</summary>
    TooLarge,
}
