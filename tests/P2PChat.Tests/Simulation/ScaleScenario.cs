// A network of many nodes in virtual time, for issue 11's figures: N nodes, each joining a random earlier one (every
// link 1 ms each way at each end, so 2-2.5 ms a hop with jitter), then an idle minute in which only control traffic
// flows (presence, heartbeats, peer exchange), then lines said by random nodes, then half the nodes crashed at once
// and one more line from a survivor. What it reports: bytes each node queued per second while idle (frames, before
// encryption), how long a line took to reach every other node, and whether the survivors of the crash formed one
// network and delivered a new line to all within 30 s. Same seed, same run.
using System.Net;
using P2PChat.Net;
using P2PChat.Net.Crypto;

namespace P2PChat.Tests.Simulation;

internal sealed class ScaleScenario(int seed, int nodes, TextWriter? trace = null)
{
    /// <summary>How far apart the joins come: a network that grows over time, as users arrive.</summary>
    public int JoinEveryMs { get; init; } = 20;

    public long SettleMs { get; init; } = 20_000;
    public long IdleMs { get; init; } = 60_000;
    public int Lines { get; init; } = 20;

    /// <summary>Members each roster holds (NodeOptions.RosterCapacity): below the nodes, a network past the cap.</summary>
    public int RosterCapacity { get; init; } = Protocol.MaxMembers;

    /// <summary>What the run measured.</summary>
    internal sealed record Result(
        int Nodes,
        double IdleBytesPerNodePerSecond,
        double IdleBytesMaxNodePerSecond,
        long LinesDelivered,
        long LinesExpected,
        long P50Ms,
        long P99Ms,
        int OnlineSeenMin,
        int Survivors,
        int SurvivorsReached,
        long CrashLineMs,
        long FalseLeaves,
        double LinksPerNode,
        double CopiesPerLine,
        double JoinBytesPerNode,
        double HealBytesPerSurvivor);

    private readonly SimNetwork _net = new(seed, trace);
    private readonly SignatureMemo _signatures = new(1 << 16);
    private readonly List<NodeHost> _hosts = [];

    public Result Run(Action<string>? progress = null)
    {
        Random rng = _net.Random;
        for (int i = 0; i < nodes; i++)
            _net.Events.At(i * (long)JoinEveryMs, Start);
        long joined = nodes * (long)JoinEveryMs;
        _net.Events.RunUntil(joined + SettleMs);
        double joinBytes = _hosts.Average(h => (double)h.BytesSent);
        // What a node holds once its roster is full: the simulator keeps every node in one process, so this is what
        // decides how many fit (the product holds the same per process, one node each).
        long heapPerNode = GC.GetTotalMemory(forceFullCollection: true) / nodes;
        progress?.Invoke($"live heap after a full collection: {heapPerNode / 1024} KiB per node");
        progress?.Invoke($"{nodes} nodes joined and settled at {_net.Now / 1000.0:0.0} s virtual, {joinBytes / 1024:0} KiB sent per node; members reported gone meanwhile {_hosts.Sum(h => h.MembersLeft)}, "
            + $"refutations {_hosts.Sum(h => h.Core.Presence.Refuted)}, roster min {_hosts.Min(h => h.Core.Presence.Roster.OnlineCount)}, paced {_hosts.Sum(h => h.Core.Presence.Paced)}, refused {_hosts.Sum(h => h.Core.Presence.Roster.Refused)}");

        long[] before = _hosts.Select(h => h.BytesSent).ToArray();
        long ticksBefore = _hosts.Sum(h => h.Ticks);
        long[][] typesBefore = [.. _hosts.Select(h => (long[])h.Core.Links.QueuedBytesByType.Clone())];

        long idleStart = _net.Now;
        long leavesBefore = _hosts.Sum(h => h.MembersLeft);
        long openedBefore = _hosts.Sum(h => h.OpenedTo.Values.Sum());
        _net.Events.RunUntil(idleStart + IdleMs);
        double seconds = IdleMs / 1000.0;
        double[] rates = _hosts.Select((h, i) => (h.BytesSent - before[i]) / seconds).ToArray();

        long falseLeaves = _hosts.Sum(h => h.MembersLeft) - leavesBefore;
        int onlineMin = _hosts.Min(h => h.Core.Presence.Roster.OnlineCount);
        double linksPerNode = _hosts.Average(h => h.Core.Links.Open.Length);
        int busiest = Array.IndexOf(rates, rates.Max());
        string busiestTypes = string.Join(", ", Enumerable.Range(0, 32)
            .Select(t => (Type: (FrameType)t, Rate: (_hosts[busiest].Core.Links.QueuedBytesByType[t] - typesBefore[busiest][t]) / seconds))
            .Where(x => x.Rate > 0).OrderByDescending(x => x.Rate).Take(12).Select(x => $"{x.Type} {x.Rate:0}"));
        progress?.Invoke($"idle: {rates.Average():0} B/s per node (max {rates.Max():0}: {_hosts[busiest].Label}, B/s by frame: {busiestTypes}), "
            + $"{linksPerNode:0.0} links per node, roster min {onlineMin}, {(_hosts.Sum(h => h.Ticks) - ticksBefore) / seconds / _hosts.Count:0.00} ticks per node a second");
        // What an average node sends, by frame (the busiest node's alone misled): at 100 nodes PRESENCE is ~0 in the
        // minute after the joins, since a member announces every 2 s times the members; --idle runs past that.
        string meanTypes = string.Join(", ", Enumerable.Range(0, 32)
            .Select(t => (Type: (FrameType)t, Rate: _hosts.Select((h, i) => (double)(h.Core.Links.QueuedBytesByType[t] - typesBefore[i][t])).Sum() / seconds / _hosts.Count))
            .Where(x => x.Rate >= 1).OrderByDescending(x => x.Rate).Take(12).Select(x => $"{x.Type} {x.Rate:0}"));
        progress?.Invoke($"  mean node, B/s by frame: {meanTypes}; links opened meanwhile {_hosts.Sum(h => h.OpenedTo.Values.Sum()) - openedBefore}");
        NodeHost busy = _hosts[busiest];
        progress?.Invoke($"  {busy.Label}: closed {string.Join(", ", busy.ClosedBy.Select(kv => $"{kv.Key} x{kv.Value}"))}; opened to "
            + string.Join(", ", busy.OpenedTo.OrderByDescending(kv => kv.Value).Take(6).Select(kv => $"{kv.Key} x{kv.Value}")) + $"; links now {busy.Core.Links.Open.Length}");

        var delays = new List<long>();
        long delivered = 0, expected = 0;
        long copiesBefore = _hosts.Sum(h => h.Core.Flooding.ChatFramesQueued);
        long pullsBefore = _hosts.Sum(h => h.Core.Flooding.Grafts);
        long havesBefore = _hosts.Sum(h => h.Core.Links.QueuedBytesByType[(int)FrameType.Have]);
        long ticksTalking = _hosts.Sum(h => h.Ticks), talkFrom = _net.Now;
        for (int k = 0; k < Lines; k++)
        {
            NodeHost sender = _hosts[rng.Next(_hosts.Count)];
            long at = _net.Now;
            MessageId id = SayAndWait(sender, _hosts, 10_000, out long worst);
            foreach (NodeHost host in _hosts)
            {
                if (host == sender)
                    continue;
                expected++;
                if (host.Shown.FindLast(s => s.Id == id) is { } shown)
                {
                    delivered++;
                    delays.Add(shown.At - at);
                }
            }
            _net.Events.RunUntil(_net.Now + 500);
        }
        delays.Sort();
        // Every CHAT frame queued on a link, the sender's own included (N - 1 is the least a line can cost).
        double copiesPerLine = (_hosts.Sum(h => h.Core.Flooding.ChatFramesQueued) - copiesBefore) / (double)Lines;
        progress?.Invoke($"lines: {delivered}/{expected} delivered, p50 {Percentile(delays, 50)} ms, p99 {Percentile(delays, 99)} ms, {copiesPerLine:0} copies a line, "
            + $"{(_hosts.Sum(h => h.Core.Links.QueuedBytesByType[(int)FrameType.Have]) - havesBefore) / (double)Lines:0} bytes of HAVE a line, {_hosts.Sum(h => h.Core.Flooding.Grafts) - pullsBefore} pulls, "
            + $"{(_hosts.Sum(h => h.Ticks) - ticksTalking) / ((_net.Now - talkFrom) / 1000.0) / _hosts.Count:0.00} ticks per node a second");

        // Half the nodes crash at once.
        var crashed = _hosts.OrderBy(_ => rng.Next()).Take(nodes / 2).ToHashSet();
        foreach (NodeHost host in crashed)
            host.Kill();
        long crashAt = _net.Now;
        var survivors = _hosts.Where(h => !crashed.Contains(h)).ToList();
        // What a survivor can heal through: the live addresses its book holds beyond its own links. A group whose links
        // all went to the dead finds the rest only through these.
        var alive = survivors.Select(h => h.Core.NodeId).ToHashSet();
        int[] liveKnown = [.. survivors.Select(h => h.Core.Membership.Book.Entries.Count(
            e => alive.Contains(e.NodeId) && !h.Core.Links.IsLinkedTo(e.NodeId))).Order()];
        progress?.Invoke($"at the crash: live addresses a survivor knows beyond its links: min {liveKnown[0]}, "
            + $"1st percentile {liveKnown[liveKnown.Length / 100]}, median {liveKnown[liveKnown.Length / 2]}; "
            + $"book entries a node, median {_hosts.Select(h => h.Core.Membership.Book.Count).Order().ElementAt(_hosts.Count / 2)}");
        long[] beforeCrash = [.. survivors.Select(h => h.BytesSent)];
        _net.Events.RunUntil(crashAt + 1_000);
        NodeHost speaker = survivors[rng.Next(survivors.Count)];
        MessageId last = SayAndWait(speaker, survivors, crashAt + 30_000 - _net.Now, out long lastWorst);
        int reached = survivors.Count(h => h == speaker || h.Shown.Exists(s => s.Id == last));
        foreach (NodeHost host in survivors.Where(h => h != speaker && !h.Shown.Exists(s => s.Id == last)))
            progress?.Invoke($"  {host.Label} did not get it: links to {string.Join(",", host.Core.Links.Open.Select(l => l.Peer?.Name))}, roster {host.Core.Presence.Roster.OnlineCount}");
        // What healing cost: every frame a survivor queued from the crash until the line reached everyone (links made
        // anew hand over rosters, suspicions flood, lines are pulled).
        double healBytes = survivors.Select((h, i) => (double)(h.BytesSent - beforeCrash[i])).Average();
        progress?.Invoke($"after {crashed.Count} crashed: a line from a survivor reached {reached - 1}/{survivors.Count - 1} others, the last at {lastWorst - crashAt} ms after the crash; "
            + $"{healBytes / 1024:0} KiB sent per survivor meanwhile");
        return new Result(nodes, rates.Average(), rates.Max(), delivered, expected, Percentile(delays, 50), Percentile(delays, 99),
            onlineMin, survivors.Count, reached, lastWorst - crashAt, falseLeaves, linksPerNode, copiesPerLine, joinBytes, healBytes);
    }

    /// <summary>Says a line at <paramref name="sender"/> and runs until every other node of <paramref name="readers"/>
    /// showed it or <paramref name="budgetMs"/> passed; <paramref name="worst"/> is when the last of them showed it.</summary>
    private MessageId SayAndWait(NodeHost sender, List<NodeHost> readers, long budgetMs, out long worst)
    {
        sender.Say("scale");
        MessageId id = sender.Said[^1].Id;
        long deadline = _net.Now + budgetMs;
        worst = _net.Now;
        while (_net.Now < deadline)
        {
            _net.Events.RunUntil(_net.Now + 10);
            if (readers.TrueForAll(h => h == sender || h.Shown.Exists(s => s.Id == id)))
                break;
        }
        foreach (NodeHost host in readers)
            if (host != sender && host.Shown.FindLast(s => s.Id == id) is { } shown)
                worst = Math.Max(worst, shown.At);
        return id;
    }

    private void Start()
    {
        int n = _hosts.Count;
        var address = new IPEndPoint(new IPAddress([10, (byte)(n >> 16), (byte)(n >> 8), (byte)(n + 1)]), 7000);
        NodeKeys keys = NodeKeys.Generate(new SeededRandomSource(new Random(_net.Random.Next())), signatures: _signatures);
        var host = new NodeHost(_net, address, new NodeOptions($"n{n}") { History = 0, RosterCapacity = RosterCapacity }, keys, 1);
        if (n > 0)
            host.Join(_hosts[_net.Random.Next(n)].EndPoint);
        _hosts.Add(host);
    }

    private static long Percentile(List<long> sorted, int p) =>
        sorted.Count == 0 ? -1 : sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
}
