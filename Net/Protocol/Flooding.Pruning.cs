// Pruning (docs/PROTOCOL.md, Pruning): PRUNE and UNPRUNE as received and sent, and the rule that a node keeps a path
// for every origin. Part of Flooding, which decides on a duplicate whether to prune (OnChat).
using System.Buffers.Binary;

namespace P2PChat.Net;

internal sealed partial class Flooding
{
    /// <summary>Whether pruning <paramref name="origin"/> on <paramref name="from"/> leaves us a path for its lines: a link
    /// to the origin itself, or another link we have not asked to prune it. Two duplicates in flight at once, one on each
    /// relay, made a node prune both (each had been first once), and the origin's lines reached it by nobody until a
    /// repair: a 300,000-line paste into a self-healed mesh of four lost tens of thousands of lines at two readers.</summary>
    private bool KeepsAPath(CoreLink from, ulong origin)
    {
        foreach (CoreLink link in _links.Open)
            if (link != from && (link.Peer!.NodeId == origin || !link.AskedToPrune(origin)))
                return true;
        return false;
    }

    public string? OnPrune(CoreLink from, ReadOnlySpan<byte> body)
    {
        if (body.Length != 9)
            return "malformed PRUNE";
        from.Prune(BinaryPrimitives.ReadUInt64BigEndian(body[1..]));
        return null;
    }

    public static string? OnUnprune(CoreLink from, ReadOnlySpan<byte> body)
    {
        if (body.Length != 1)
            return "malformed UNPRUNE";
        from.Unprune();
        return null;
    }

    public const int PruneFrameSize = Protocol.LengthPrefixSize + 9;

    private static ReadOnlySpan<byte> PruneFrame(ulong origin, Span<byte> frame)
    {
        BinaryPrimitives.WriteUInt32BigEndian(frame, 9);
        frame[Protocol.LengthPrefixSize] = (byte)FrameType.Prune;
        BinaryPrimitives.WriteUInt64BigEndian(frame[(Protocol.LengthPrefixSize + 1)..], origin);
        return frame;
    }
}
