// Why a link closed (or is being retired). A value, not a sentence: tests assert on it, and LinkClose turns it into
// words once, for people.
namespace P2PChat.Net;

internal enum CloseKind : byte
{
    /// <summary>This node is leaving the chat; the link was drained.</summary>
    Leaving,

    /// <summary>The peer closed its side (it left, retired this link as a duplicate, or its process died and its kernel
    /// closed it); we flushed and closed.</summary>
    PeerLeft,

    /// <summary>A second link to a peer we already had a link to; the newer one was drained.</summary>
    Duplicate,

    /// <summary>The address turned out to be this node itself.</summary>
    Self,

    /// <summary>No valid HELLO within the handshake timeout.</summary>
    HandshakeTimeout,

    /// <summary>The peer broke the protocol; Detail says how.</summary>
    ProtocolError,

    /// <summary>A drained link whose peer did not close its side in time.</summary>
    DrainTimeout,

    /// <summary>Nothing at all arrived for DeadAfter (crashed, hung or unplugged peer).</summary>
    Silent,

    /// <summary>More than MaxQueueBytes waited for the peer.</summary>
    PeerNotReading,

    /// <summary>The connection was reset or lost (Detail: the socket's error).</summary>
    Reset,

    /// <summary>The peer closed before the handshake finished.</summary>
    ClosedEarly,

    /// <summary>Connecting failed: nobody listens there.</summary>
    Refused,

    /// <summary>Connecting failed: no route to the host.</summary>
    Unreachable,

    /// <summary>Connecting failed: no answer within ConnectTimeout.</summary>
    ConnectTimeout,

    /// <summary>Connecting failed for another reason (Detail).</summary>
    ConnectFailed,

    /// <summary>Refused: this node already has MaxConnections links.</summary>
    TooManyLinks,

    /// <summary>The node was disposed.</summary>
    ShuttingDown,

    /// <summary>The encrypted handshake failed on the last message: the two sides have different room secrets (or
    /// one has none). Told to the initiator by an alert record.</summary>
    RoomMismatch,

    /// <summary>Retired on the peer's BUSY (it keeps fewer links than it had) once we had enough others (Membership.ActiveView).</summary>
    Shed,

    /// <summary>A test cut the link (ChatNode.Faults.cs, the simulator).</summary>
    FaultInjected,
}
