// The active view's upper bound (after HyParView, Leitão et al. 2007): a node keeps about TargetLinks links it made
// plus those others made to it, and in a lab where everyone types one address, that one host had a link to every
// member (its CPU and queues carried the whole room) until MaxConnections refused the 257th newcomer outright. Past
// MaxActive open links, a node asks its newest inbound peers to go elsewhere (BUSY); such a peer keeps the link until
// it has TargetLinks others (from the PEERS it got when the link opened), then retires it gracefully, so nobody is
// left alone and nothing in flight is lost. Neither side reports it or suspects the other: both stay in the network.
// A part of Membership, which knows the links and the address book.
using System.Numerics;

namespace P2PChat.Net;

internal sealed partial class Membership
{
    /// <summary>The fewest links MaxActive allows: a room of this many can all link to one host, the cheapest shape
    /// for it (one hop), and bench/run.sh's star of 1+16 stays a star.</summary>
    public const int MinActive = 24;

    /// <summary>Open links past which this node asks inbound peers to go elsewhere: twice (log2 of the members online,
    /// plus one), at least MinActive. 24 up to 2,048 members, 28 at 10,000. Without self-healing (TargetLinks 0) the
    /// network is exactly the links users made, and nothing is shed.</summary>
    public int MaxActive => Math.Max(MinActive, 2 * (BitOperations.Log2((uint)presence.Roster.OnlineCount + 1) + 1));

    /// <summary>BUSY frames sent and links retired on one (diagnostics and tests).</summary>
    public long BusySent { get; private set; }

    public long Shed { get; private set; }

    private static readonly byte[] BusyFrame = [0, 0, 0, 1, (byte)FrameType.Busy];

    /// <summary>A BUSY: the peer has more links than it keeps, and asks us to drop this one once we can.</summary>
    public static string? OnBusy(CoreLink from, ReadOnlySpan<byte> body)
    {
        if (body.Length != 1)
            return "malformed BUSY";
        from.AskedToGo = true;
        return null;
    }

    /// <summary>On the timer, over MaxActive: BUSY on the newest inbound links not yet asked, as many as we are over.</summary>
    private void AskToGo(long now)
    {
        if (options.TargetLinks <= 0)
            return;
        CoreLink[] open = links.Open;
        int over = open.Length - MaxActive;
        if (over <= 0)
            return;
        foreach (CoreLink link in open)
            if (link.ToldToGo)
                over--;
        for (int i = open.Length - 1; i >= 0 && over > 0; i--)
        {
            CoreLink link = open[i];
            if (link.Outbound || link.ToldToGo)
                continue;
            link.ToldToGo = true;
            links.Send(link, BusyFrame, now);
            BusySent++;
            over--;
        }
    }

    /// <summary>On the timer: a link whose peer asked us to go, once we have TargetLinks other peers (one a tick, so a
    /// node asked by several never drops below its target at once); null when none.</summary>
    public CoreLink? LinkToShed()
    {
        if (links.DistinctPeers <= options.TargetLinks)
            return null;
        foreach (CoreLink link in links.Open)
        {
            if (link.AskedToGo)
            {
                Shed++;
                return link;
            }
        }
        return null;
    }

    /// <summary>How long a peer that asked us to go is not dialled again. Without it, a node whose candidates were mostly
    /// full hosts dialled them in turn for ever: each took the link, said BUSY, and the link went once the node had
    /// its target elsewhere (1,000-node simulation, idle: one node opened 116 links to each of three hosts in 100 s, each
    /// costing both ends a roster digest and PRUNEs, 126 KB/s).</summary>
    public const long BusyBackoffMs = 60_000;

    /// <summary>A link whose peer asked us to go has closed: its addresses wait BusyBackoffMs.</summary>
    private void BackOffBusy(ulong node, long now)
    {
        foreach (AddressBook.Entry entry in Book.Entries)
            if (entry.NodeId == node)
                entry.NextAttempt = Math.Max(entry.NextAttempt, now + BusyBackoffMs);
    }

    /// <summary>Open links whose peer asked us to go: they do not count towards our target (we dial others in their place).</summary>
    private int AskedToGo()
    {
        int n = 0;
        foreach (CoreLink link in links.Open)
            if (link.AskedToGo)
                n++;
        return n;
    }

    /// <summary>Whether <paramref name="link"/> closed as a shed one: we retired it on a BUSY, or the peer closed it
    /// after ours. Not a loss: no suspicion, no report, no unsettled probing.</summary>
    public static bool WasShed(CoreLink link, LinkClose reason) =>
        link.RetireReason.Kind == CloseKind.Shed || link.ToldToGo && reason.Kind is CloseKind.PeerLeft or CloseKind.Shed;
}
