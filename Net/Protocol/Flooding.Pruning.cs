// Pruning (docs/PROTOCOL.md, Pruning): PRUNE and UNPRUNE as received and sent, and the rule that a node keeps a link in
// the relay tree. Part of Flooding, which decides on a duplicate whether to prune (OnCopy).
namespace P2PChat.Net;

internal sealed partial class Flooding
{
    /// <summary>Whether taking <paramref name="from"/> out of the tree leaves us another link in it. Two duplicates in
    /// flight at once, one on each link, made a node prune both (each had been first once), and lines reached it by
    /// nobody until a repair: a 300,000-line paste into a self-healed mesh of four lost tens of thousands of lines at
    /// two readers.</summary>
    private bool KeepsAPath(CoreLink from)
    {
        foreach (CoreLink link in _links.Open)
            if (link != from && link.InTree)
                return true;
        return false;
    }

    /// <summary>The peer takes the link out of the tree, unless it is our last link in it: then we answer UNPRUNE and
    /// it stays. A PRUNE takes the link out for both sides, and neighbours that each had other links pruned all their
    /// links to one node, which then had no link in the tree and got lines only by pulls after HAVEs (simulator seed
    /// 1183).</summary>
    public string? OnPrune(CoreLink from, ReadOnlySpan<byte> body, long now)
    {
        if (body.Length != 1)
            return "malformed PRUNE";
        if (KeepsAPath(from))
            from.LeaveTree();
        else
            _links.Send(from, UnpruneFrame, now);
        return null;
    }

    /// <summary>The link is back in the tree. We prune it for nothing for a while: the peer wants lines from it (a pull,
    /// its links lost, or its last link), and a PRUNE at its next duplicate would only be refused or pulled again.</summary>
    public static string? OnUnprune(CoreLink from, ReadOnlySpan<byte> body, long now)
    {
        if (body.Length != 1)
            return "malformed UNPRUNE";
        from.JoinTree();
        from.NoPruneUntil = Math.Max(from.NoPruneUntil, now + RepairIntervalMs);
        return null;
    }

    internal static readonly byte[] UnpruneFrame = [0, 0, 0, 1, (byte)FrameType.Unprune];

    private static readonly byte[] PruneFrame = [0, 0, 0, 1, (byte)FrameType.Prune];
}
