// What every run must satisfy, judged from what each node showed and from the cores' state at the end.
// Safety, for every node that ever ran: no line shown twice, none of its own; each sender's live lines in
// increasing sequence, and its history lines too among themselves; a newcomer's history (lines at or below its
// horizon, which only its history source may give) all flagged History, shown before any live line unless the
// history wait (DeliveryOrder.HistoryWaitMs) ran out first, and in the order its source logged them (a subsequence:
// the source replays its log oldest first, skipping what we had); every line given up reported, once, and every
// report a real loss (CheckLosses). Caps, checked on every tick (NodeHost.CheckCaps).
// Liveness, for the nodes alive at the end of the quiet period: one connected network over open links; every line
// said by a node that is still alive shown by every other live node, except lines said before it joined: at or
// below its horizon for the sender, or said before its first link opened (its history source may not have had them
// yet: it may be a newcomer itself), and lines older than the newest LogCapacity said in the whole run (no log can
// replay them any more); each live node's roster lists exactly the other live nodes, under the names they have now
// (a roster that cannot hold every identity of the run, past the cap: a member gone no longer than its lease after it
// left, CheckFullRoster).
using P2PChat.Net;

namespace P2PChat.Tests.Simulation;

internal static class SimInvariants
{
    public static void Check(int seed, IReadOnlyList<NodeHost> all)
    {
        CheckSafety(seed, all);
        CheckNothingForged(seed, all);
        NodeHost[] live = all.Where(h => h.Live).ToArray();
        CheckConnected(seed, live);
        CheckDelivered(seed, all, live);
        CheckRosters(seed, live, all);
    }

    /// <summary>Caps, what each node showed, and newcomers' history: for every node that ever ran.</summary>
    public static void CheckSafety(int seed, IReadOnlyList<NodeHost> all)
    {
        foreach (NodeHost host in all)
        {
            if (host.Violation.Length > 0)
                throw new SimFailure(seed, "caps", $"{host.Label}: {host.Violation}");
            CheckShown(seed, host);
            CheckHistory(seed, host, all);
        }
        CheckPrivate(seed, all);
        var privateTo = all.SelectMany(h => h.Said).Where(s => s.To != 0).ToDictionary(s => s.Id, s => s.To);
        foreach (NodeHost host in all)
            CheckLosses(seed, host, privateTo);
    }

    /// <summary>No silent loss, no false alarm. Per sender, a node's view runs from the filter's Start to Shown (the last
    /// line shown or given up); every line in it that the node did not show must have been given up and reported
    /// (GapReports), and no more than that may be: reported plus not yet reported (a window still summing) lies between
    /// the public lines not shown and those plus the private lines to others (which pass through unshown, but may have
    /// been in a gap too). Per sender for the reports that name one; in total with the summaries of several.</summary>
    private static void CheckLosses(int seed, NodeHost host, Dictionary<MessageId, ulong> privateTo)
    {
        var reported = new Dictionary<ulong, ulong>();
        ulong reportedTotal = 0;
        foreach (LostLines lost in host.LostReports)
        {
            if (lost.Count == 0)
                throw new SimFailure(seed, "loss report", $"{host.Label} reported 0 lines lost ({lost})");
            if (lost.Senders == 1)
                reported[lost.Origin] = reported.GetValueOrDefault(lost.Origin) + lost.Count;
            reportedTotal += lost.Count;
        }
        var shown = host.Shown.Select(l => l.Id).ToHashSet();
        ulong unshownTotal = 0, privateTotal = 0;
        var tracked = new HashSet<ulong>();
        foreach (DuplicateFilter.OriginState state in host.Core.Flooding.Filter.States)
        {
            tracked.Add(state.Origin);
            if (state.Shown - state.Start > 1_000_000)
                throw new SimFailure(seed, "loss report", $"{host.Label} views {state.Origin:x16} from {state.Start} to {state.Shown}");
            ulong unshown = 0, elsewhere = 0;
            for (ulong seq = state.Start + 1; seq <= state.Shown; seq++)
            {
                var id = new MessageId(state.Origin, seq);
                if (shown.Contains(id))
                    continue;
                if (privateTo.TryGetValue(id, out ulong to) && to != host.NodeId)
                    elsewhere++;
                else
                    unshown++;
            }
            ulong named = reported.GetValueOrDefault(state.Origin);
            if (named > unshown + elsewhere)
                throw new SimFailure(seed, "loss report", $"{host.Label} reported {named} lines of {state.Origin:x16} lost; only {unshown + elsewhere} "
                    + $"between {state.Start} and {state.Shown} were not shown");
            unshownTotal += unshown;
            privateTotal += elsewhere;
        }
        if (reported.Keys.Any(origin => !tracked.Contains(origin)))
            return; // a sender the filter forgot since: its view can no longer be judged
        ulong accounted = reportedTotal + host.Core.Flooding.Gaps.Unreported;
        if (accounted < unshownTotal)
            throw new SimFailure(seed, "silent loss", $"{host.Label} did not show {unshownTotal} lines it moved past, but reported only {accounted} lost");
        if (accounted > unshownTotal + privateTotal)
            throw new SimFailure(seed, "loss report", $"{host.Label} reported {accounted} lines lost, more than the {unshownTotal + privateTotal} it did not show");
    }

    private static void CheckShown(int seed, NodeHost host)
    {
        var seen = new HashSet<MessageId>();
        var lastLive = new Dictionary<ulong, ulong>();
        var lastHistory = new Dictionary<ulong, ulong>();
        foreach (ShownLine line in host.Shown)
        {
            if (line.Id.Origin == host.NodeId)
                throw new SimFailure(seed, "own line shown", $"{host.Label} showed its own line {line.Id} at {line.At} ms");
            if (!seen.Add(line.Id))
                throw new SimFailure(seed, "line shown twice", $"{host.Label} showed {line.Id} twice (again at {line.At} ms{(line.History ? ", as history" : "")})");
            Dictionary<ulong, ulong> last = line.History ? lastHistory : lastLive;
            if (last.TryGetValue(line.Id.Origin, out ulong before) && line.Id.Seq <= before)
                throw new SimFailure(seed, "sender order", $"{host.Label} showed {line.Id} after seq {before} of that sender ({(line.History ? "history" : "live")}, at {line.At} ms)");
            last[line.Id.Origin] = line.Id.Seq;
        }
    }

    /// <summary>Every line shown was said, as shown, by the node it names (a forger's lines, ForgerHost, are shown
    /// nowhere, not even under the id of a real line).</summary>
    private static void CheckNothingForged(int seed, IReadOnlyList<NodeHost> all)
    {
        var said = new Dictionary<MessageId, string>();
        foreach (NodeHost host in all)
            foreach ((MessageId id, string text) in host.SaidText)
                said[id] = text;
        foreach (NodeHost host in all)
            foreach (ShownLine line in host.Shown)
                if (!said.TryGetValue(line.Id, out string? text) || text != line.Text)
                    throw new SimFailure(seed, "forgery", $"{host.Label} showed {line.Id} \"{line.Text}\", which {(text is null ? "nobody said" : $"was said as \"{text}\"")}");
    }

    /// <summary>A private line is shown by its recipient alone, and there as private; every other line never as private.</summary>
    private static void CheckPrivate(int seed, IReadOnlyList<NodeHost> all)
    {
        var to = all.SelectMany(h => h.Said).ToDictionary(s => s.Id, s => s.To);
        foreach (NodeHost host in all)
            foreach (ShownLine line in host.Shown)
            {
                ulong recipient = to.GetValueOrDefault(line.Id);
                if (recipient != 0 && recipient != host.NodeId)
                    throw new SimFailure(seed, "private line", $"{host.Label} showed {line.Id}, a private line to another node");
                if (line.Private != (recipient != 0))
                    throw new SimFailure(seed, "private line", $"{host.Label} showed {line.Id} {(line.Private ? "as private, but it was said to everyone" : "as public, but it was private to it")}");
            }
    }

    private static ulong Horizon(NodeHost host, ulong origin) => host.Core.Flooding.Filter.Find(origin)?.Horizon ?? 0;

    private static void CheckHistory(int seed, NodeHost host, IReadOnlyList<NodeHost> all)
    {
        if (host.HistorySource == 0)
            return;
        int firstLive = host.Shown.FindIndex(l => !l.History);
        NodeHost? source = all.FirstOrDefault(h => h.NodeId == host.HistorySource);
        Dictionary<MessageId, int>? order = source?.Logged.Select((id, i) => (id, i)).ToDictionary(e => e.id, e => e.i);
        int lastIndex = -1;
        for (int i = 0; i < host.Shown.Count; i++)
        {
            ShownLine line = host.Shown[i];
            if (line.Id.Seq > Horizon(host, line.Id.Origin) || line.Private)
                continue; // (a private line's source relayed it without showing it, so it is not in the source's record)
            if (!line.History)
                throw new SimFailure(seed, "newcomer history", $"{host.Label} showed {line.Id}, at or below its horizon, as a live line");
            if (firstLive >= 0 && i > firstLive && host.Shown[firstLive].At < host.FirstOpenedAt + DeliveryOrder.HistoryWaitMs)
                throw new SimFailure(seed, "newcomer history", $"{host.Label} showed history {line.Id} at {line.At} ms after the live line {host.Shown[firstLive].Id} at {host.Shown[firstLive].At} ms (first link {host.FirstOpenedAt} ms)");
            if (order is null)
                continue;
            if (!order.TryGetValue(line.Id, out int index))
                throw new SimFailure(seed, "newcomer history", $"{host.Label} showed history {line.Id} that its source {source!.Label} never logged");
            if (index < lastIndex)
                throw new SimFailure(seed, "newcomer history", $"{host.Label} showed history {line.Id} out of its source {source!.Label}'s order");
            lastIndex = index;
        }
    }

    private static void CheckConnected(int seed, NodeHost[] live)
    {
        if (live.Length < 2)
            return;
        var byId = live.ToDictionary(h => h.NodeId);
        var reached = new HashSet<ulong> { live[0].NodeId };
        var frontier = new Queue<NodeHost>([live[0]]);
        while (frontier.TryDequeue(out NodeHost? host))
            foreach (CoreLink link in host.Core.Links.Open)
                if (byId.TryGetValue(link.Peer!.NodeId, out NodeHost? next) && reached.Add(next.NodeId))
                    frontier.Enqueue(next);
        if (reached.Count != live.Length)
        {
            string apart = string.Join(", ", live.Where(h => !reached.Contains(h.NodeId)).Select(h => $"{h.Label} ({h.Core.Links.Open.Length} open links)"));
            throw new SimFailure(seed, "one network", $"{reached.Count} of {live.Length} live nodes are connected to {live[0].Label}; apart: {apart}");
        }
    }

    private static void CheckDelivered(int seed, IReadOnlyList<NodeHost> all, NodeHost[] live)
    {
        var said = all.SelectMany(h => h.Said.Select(s => (Host: h, s.Id, s.At, s.To))).OrderBy(s => s.At).ToList();
        int capacity = live.Length == 0 ? 0 : live[0].Core.Options.LogCapacity;
        var recent = said.Skip(Math.Max(0, said.Count - capacity)).Where(s => s.Host.Live).ToList();
        foreach (NodeHost host in live)
        {
            var shown = host.Shown.Select(l => l.Id).ToHashSet();
            var missing = recent.Where(s => s.Host != host && (s.To == 0 || s.To == host.NodeId) && s.At >= host.FirstOpenedAt && s.Id.Seq > Horizon(host, s.Id.Origin) && !shown.Contains(s.Id)).ToList();
            if (missing.Count > 0)
            {
                var first = missing[0];
                throw new SimFailure(seed, "delivery", $"{host.Label} never showed {missing.Count} line(s) of live senders, first {first.Host.Label}'s {first.Id} said at {first.At} ms " +
                    $"(horizon {Horizon(host, first.Id.Origin)}, {host.Label} started at {host.StartedAt} ms, first link {host.FirstOpenedAt} ms); " +
                    $"its links: {string.Join(", ", host.Core.Links.Open.Select(l => $"{l.Peer!.Name}{(all.FirstOrDefault(h => h.NodeId == l.Peer.NodeId)?.Shown.Exists(x => x.Id == first.Id) == true ? " (has it)" : "")}"))}; " +
                    $"the sender in its roster: {host.Core.Presence.Roster.Find(first.Id.Origin) is not null}; its state of the sender: {Tracked(host, first.Id.Origin)}; " +
                    $"HAVEs {host.Core.Flooding.HavesReceived}, pulls {host.Core.Flooding.Grafts}");
            }
        }
    }

    /// <summary>What a node's duplicate filter holds of a sender (why a line was never shown: never came, or held).</summary>
    private static string Tracked(NodeHost host, ulong origin) =>
        host.Core.Flooding.Filter.Find(origin) is not { } state ? "none"
            : $"base {state.Base}, horizon {state.Horizon}, ranges [{string.Join(" ", state.Ranges.Select(r => $"{r.Start}-{r.End}"))}], shown {state.Shown}, held {state.Held}, advertised {state.Advertised}";

    private static void CheckRosters(int seed, NodeHost[] live, IReadOnlyList<NodeHost> all)
    {
        foreach (NodeHost host in live)
        {
            var expected = live.Where(h => h != host).Select(h => h.NodeId).ToHashSet();
            var roster = host.Core.Presence.Members().Select(m => m.NodeId).ToHashSet();
            // Past the cap: the roster cannot hold every identity the run started (the dead's tombstones take room too).
            if (host.Core.Options.RosterCapacity < all.Count - 1)
            {
                CheckFullRoster(seed, host, roster, expected, all);
                continue;
            }
            if (!roster.SetEquals(expected))
            {
                string extra = string.Join(",", roster.Except(expected).Select(id => $"{id:x16}"));
                string absent = string.Join(",", live.Where(h => expected.Contains(h.NodeId) && !roster.Contains(h.NodeId)).Select(h => h.Label));
                throw new SimFailure(seed, "roster", $"{host.Label}'s roster: missing [{absent}], extra [{extra}]");
            }
            foreach (MemberInfo member in host.Core.Presence.Members())
                if (live.First(h => h.NodeId == member.NodeId).Core.Name is var name && member.Name != name)
                    throw new SimFailure(seed, "roster", $"{host.Label}'s roster calls {member.NodeId:x16} '{member.Name}'; it is '{name}' now");
        }
    }

    /// <summary>A roster smaller than the network (a large run past the cap). Announcements travel only through nodes
    /// that hold their member (a full roster refuses the others and does not pass them on), so a holder that none of
    /// them reaches may keep a member that left, or an old name, until its lease on the member runs out (docs/PROTOCOL.md,
    /// "Past the cap"). What is judged is that bound: a member gone from the network is held here no longer than three
    /// of its intervals (and the slack, and our own stalls) after it left.</summary>
    private static void CheckFullRoster(int seed, NodeHost host, HashSet<ulong> roster, HashSet<ulong> expected, IReadOnlyList<NodeHost> all)
    {
        foreach (ulong id in roster.Where(id => !expected.Contains(id)))
        {
            NodeHost? gone = all.FirstOrDefault(h => h.NodeId == id);
            Roster.Entry entry = host.Core.Presence.Roster.Get(id)!;
            long bound = gone is null ? long.MinValue
                : gone.EndedAt + 3L * entry.IntervalMs + Roster.ExpirySlackMs + host.Core.StalledMs;
            if (entry.ExpiresAt > bound)
                throw new SimFailure(seed, "roster", $"{host.Label}'s full roster holds {id:x16} ({gone?.Label ?? "no node of the run"}) " +
                    $"until {entry.ExpiresAt}, beyond its lease after it left ({bound})");
        }
    }
}
