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

    /// <summary>Asks <paramref name="from"/> to stop relaying <paramref name="origin"/> to us, unless it is the origin
    /// itself (it sends its own lines on every link), we pulled from it lately, it would leave us no path, or we asked
    /// already.</summary>
    private void Prune(CoreLink from, ulong origin, long now)
    {
        if (from.Peer!.NodeId != origin && now >= from.NoPruneUntil && KeepsAPath(from, origin) && from.AskToPrune(origin))
            _links.Send(from, PruneFrame(origin, stackalloc byte[PruneFrameSize]), now);
    }

    /// <summary>How long after the first announcement of a member its copies may still prune: a flood's copies come
    /// within milliseconds; one much later came round after the tree changed (a repair unpruned every link), and the
    /// path it marks may be the one that is kept now.</summary>
    public const long AnnouncementTreeMs = 5000;

    /// <summary>A copy of the announcement that first told us of <paramref name="origin"/> (Roster.Entry.TreeCounter).
    /// Announcements flood every link, so their copies mark the same paths a first line would take twice: pruning them
    /// now makes the origin's first line travel a tree (each node keeps the link its first copy came on, which had it
    /// earlier, so every kept path leads back to the origin) instead of flooding every link. Only that one
    /// announcement, never later ones: they cross the tree in another order, and pruning on them too could leave two
    /// nodes keeping only each other (so also not after AnnouncementTreeMs). Not while lines of the origin are missing
    /// here (a gap), as for a line's copy. A copy is not checked (no copy is): a forged one can only prune the link it
    /// came on, whose peer could as well withhold the origin's lines, and KeepsAPath still holds.</summary>
    public void OnAnnouncementCopy(CoreLink from, ulong origin, long now) => PruneUnlessGap(from, origin, now);

    /// <summary>Prune, unless lines of <paramref name="origin"/> are missing here (a gap): the rest may still come by
    /// <paramref name="link"/>. An origin we have no line of has no gap.</summary>
    private void PruneUnlessGap(CoreLink link, ulong origin, long now)
    {
        if (Filter.Find(origin) is null or { Ranges.Count: 0 })
            Prune(link, origin, now);
    }

    /// <summary>A link that just opened: asks its peer to prune every member of <paramref name="roster"/> we already have
    /// a path for (the peer itself excepted, as are members whose lines we miss). Every member's first line travels the
    /// tree its announcement built (OnAnnouncementCopy) over the links open then; a link opened later was kept for
    /// every member that announced before it, so in a growing network a first line still flooded most links (300 nodes
    /// in one process: 959 copies a line for 299 readers). Pruned from the start, a new link carries no path anyone
    /// had, and takes none away: the paths kept before it stay kept. A member we know nothing of yet (a newcomer's
    /// first link, before the roster came) stays unpruned, and KeepsAPath leaves the last path alone.</summary>
    public void PruneKnown(CoreLink link, Roster roster, long now)
    {
        foreach (Roster.Entry entry in roster.Entries)
            if (!entry.Gone)
                PruneUnlessGap(link, entry.Member.NodeId, now);
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
