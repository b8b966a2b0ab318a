// A close reason with its optional detail, and the one place it becomes text.
namespace P2PChat.Net;

internal readonly record struct LinkClose(CloseKind Kind, string? Detail = null)
{
    public override string ToString() => Kind switch
    {
        CloseKind.Leaving => "leaving",
        CloseKind.PeerLeft => "the other side closed it",
        CloseKind.Duplicate => "duplicate link to the same peer",
        CloseKind.Self => "that address is this peer itself",
        CloseKind.HandshakeTimeout => $"no HELLO in time{Suffix}",
        CloseKind.ProtocolError => $"protocol error: {Detail}",
        CloseKind.DrainTimeout => "left (the peer did not confirm in time)",
        CloseKind.Silent => $"no sign of life{Suffix}",
        CloseKind.PeerNotReading => $"peer is not reading{Suffix}",
        CloseKind.Reset => Detail is null ? "connection reset by peer" : $"connection lost ({Detail})",
        CloseKind.ClosedEarly => "closed before the handshake finished",
        CloseKind.Refused => "nobody is listening there (connection refused)",
        CloseKind.Unreachable => "the host is unreachable",
        CloseKind.ConnectTimeout => $"no answer{Suffix}",
        CloseKind.ConnectFailed => Detail ?? "connection failed",
        CloseKind.TooManyLinks => $"too many links{Suffix}",
        CloseKind.ShuttingDown => "shutting down",
        CloseKind.RoomMismatch => "the room secret differs (the other side has another one, or none)",
        CloseKind.Shed => "the peer keeps fewer links; we have others",
        CloseKind.FaultInjected => "link cut (fault injection)",
        _ => Kind.ToString(),
    };

    private string Suffix => Detail is null ? "" : $" ({Detail})";
}
