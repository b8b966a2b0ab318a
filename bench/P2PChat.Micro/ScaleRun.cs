// `--scale`: N chat nodes (1,000 by default) in this one process on 127.0.0.1, each on its own port. Node i joins 2
// or 3 random earlier nodes, so the links form a random connected mesh; TargetLinks stays at the product default
// (3) unless --links says otherwise, so self-healing adds links where a node has fewer. The run waits until every
// node's roster counts all others online (or the settle deadline passes), then times ~50 messages from random
// senders until all N - 1 other nodes have each, optionally lets users talk for a while (`--talk SECONDS`, `--rate`
// lines a second; TalkPhase), and reports memory per peer and how long each phase took.
using System.Diagnostics;
using System.Runtime;
using P2PChat.Net;

namespace P2PChat.Micro;

internal static class ScaleRun
{
    private static readonly Stopwatch Clock = new();

    public static int Run(string[] args)
    {
        int count = Option(args, "--nodes", 1000);
        int messages = Option(args, "--messages", 50);
        int targetLinks = Option(args, "--links", new NodeOptions("x").TargetLinks);
        int settleSeconds = Option(args, "--settle", 300);
        int talkSeconds = Option(args, "--talk", 0);
        double talkRate = Option(args, "--rate", 2.0); // lines a second, 0.5 for one every 2 s
        var random = new Random(Option(args, "--seed", 1));
        bool pump = args.Contains("--pump"); // every message through each node's event thread, as the terminal UI
        Clock.Start();
        long rssBefore = RssBytes();
        Say($"{count} nodes, TargetLinks {targetLinks}, {messages} messages, messages taken {(pump ? "by each node's event thread (--pump)" : "on the socket thread")}; process RSS before: {Mb(rssBefore)}, "
            + $"GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, {Environment.ProcessorCount} cores");

        var probe = new DeliveryProbe(count);
        var talk = new TalkProbe((int)Math.Ceiling(talkSeconds * talkRate + 1) * (count - 1) + 1);
        var links = new LinkTally();
        var sinks = new ScaleSink[count];
        using var network = new LoopbackNetwork();
        for (int i = 0; i < count; i++)
        {
            sinks[i] = new ScaleSink(probe, talk, links, i, pump);
            network.Add(LoopbackNetwork.Options($"p{i}", targetLinks), sinks[i]);
        }
        Say($"started {count} listening nodes");

        // The mesh: node i joins 2 or 3 distinct earlier nodes (fewer when there are fewer).
        int joins = 0;
        var failures = new List<string>();
        TimeSpan joinStart = Clock.Elapsed;
        for (int i = 1; i < count; i++)
        {
            int want = Math.Min(i, random.Next(2, 4));
            var targets = new HashSet<int>();
            while (targets.Count < want)
                targets.Add(random.Next(i));
            foreach (int target in targets)
            {
                try
                {
                    network.Join(i, target).GetAwaiter().GetResult();
                    joins++;
                }
                catch (ChatNetworkException e)
                {
                    failures.Add($"p{i} -> p{target}: {e.Message}");
                }
            }
            if (i % 100 == 0)
                Say($"  {i + 1} nodes joined ({joins} joins)");
        }
        Say($"joined: {joins} joins in {(Clock.Elapsed - joinStart).TotalSeconds:0.0} s, {failures.Count} failed"
            + (failures.Count > 0 ? $" (first: {failures[0]})" : ""));

        // Settle: every node's roster counts all the others online.
        TimeSpan settleStart = Clock.Elapsed;
        TimeSpan settleDeadline = settleStart + TimeSpan.FromSeconds(settleSeconds);
        TimeSpan nextReport = settleStart;
        bool settled;
        while (true)
        {
            int complete = sinks.Count(s => s.Online >= count - 1);
            settled = complete == count;
            if (settled || Clock.Elapsed > settleDeadline || Clock.Elapsed >= nextReport)
            {
                int[] degrees = [.. network.Nodes.Select(n => n.DirectPeerCount)];
                Say($"  {complete}/{count} nodes know all others; online seen min {sinks.Min(s => s.Online)} avg {sinks.Average(s => s.Online):0}; "
                    + $"links per node min {degrees.Min()} avg {degrees.Average():0.0} max {degrees.Max()}; RSS {Mb(RssBytes())}");
                nextReport = Clock.Elapsed + TimeSpan.FromSeconds(10);
            }
            if (settled || Clock.Elapsed > settleDeadline)
                break;
            Thread.Sleep(100);
        }
        Say($"links opened {links.Opened}, closed {links.Closed} ({links.Reasons()})");
        Say(settled
            ? $"settled: every node knows all {count - 1} others, {(Clock.Elapsed - settleStart).TotalSeconds:0.0} s after the last join"
            : $"not settled within {settleSeconds} s; measuring anyway");

        // Background cost of an idle network of this size (presence floods, heartbeats, PEERS, timers), and what
        // the allocations are, sampled by type.
        using (var ticks = new AllocationTicks())
        {
            Thread.Sleep(200);
            ticks.StartRecording();
            TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            long alloc0 = GC.GetTotalAllocatedBytes(precise: false);
            Thread.Sleep(TimeSpan.FromSeconds(10));
            double idleCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds / 10;
            double idleAlloc = (GC.GetTotalAllocatedBytes(precise: false) - alloc0) / 10.0;
            var types = ticks.Tally().Take(8).ToList();
            // Native AOT (bench/scale-aot.sh) sends an EventListener no GC events: then there are no samples to show.
            Say($"idle network: {idleCpu:P0} of one core, {Kb((long)idleAlloc)}/s allocated; "
                + (types.Count > 0 ? "sampled types (~100 KB per sample):" : "no allocation samples from this runtime"));
            foreach ((string type, int samples, long _) in types)
                Say($"  {samples,6} samples  {type}");
        }

        // Time to all: one message at a time from a random sender, until all other nodes have it. The first message
        // ever said runs code the joins did not (showing a line, its order, its tags); under the JIT (bench/micro.sh)
        // 151 methods were compiled in 53 ms on its way (seed 1), all of it in that message's time, and with
        // TieredCompilation off it was still the slowest. The product is native AOT and compiles nothing, so message
        // -1 goes first and is not counted, and the JIT's time over the counted ones is printed (natively,
        // bench/scale-aot.sh, it is 0).
        var toAll = new List<double>();
        var perReceiver = new List<double>();
        // Which messages had a young collection during them (one stops every node of this process at once), and how
        // many of those the nodes' timers induced (YoungCollections) rather than the GC's own budget.
        var collected = new List<bool>();
        int gen0AtStart = 0, inducedAtStart = 0;
        int incomplete = 0;
        TimeSpan measureStart = Clock.Elapsed;
        (long Duplicates, long Grafts, long Haves, long Queued) flood0 = FloodCounters(network);
        (TimeSpan Time, long Methods) jit0 = (JitInfo.GetCompilationTime(), JitInfo.GetCompiledMethodCount());
        // What the counted messages allocate across all nodes, and of what types (most messages are their sender's
        // first, so each reader takes on state for a new sender).
        using var messageTicks = new AllocationTicks();
        long allocated0 = 0;
        for (int m = -1; m < messages; m++)
        {
            if (m == 0)
            {
                messageTicks.StartRecording();
                allocated0 = GC.GetTotalAllocatedBytes(precise: true);
                string warm = toAll.Count > 0 ? $"{toAll[0]:0} ms to all" : "did not reach all";
                Say($"message -1 (warm-up, not counted): {warm}; JIT meanwhile {JitSince(jit0)}");
                toAll.Clear();
                perReceiver.Clear();
                collected.Clear();
                gen0AtStart = GC.CollectionCount(0);
                inducedAtStart = P2PChat.Net.YoungCollections.Induced;
                jit0 = (JitInfo.GetCompilationTime(), JitInfo.GetCompiledMethodCount());
                measureStart = Clock.Elapsed;
                flood0 = FloodCounters(network);
            }
            int sender = random.Next(count);
            ChatNode node = network.Nodes[sender];
            probe.Arm(new MessageId(node.NodeId, node.LastSequence + 1), count - 1);
            int gen0Before = GC.CollectionCount(0);
            long sent = Stopwatch.GetTimestamp();
            node.Say($"scale probe {m} from p{sender}", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            if (!probe.Wait(TimeSpan.FromSeconds(30)))
            {
                incomplete++;
                Say($"  message {m} from p{sender} reached {probe.Received} of {count - 1} nodes in 30 s");
                continue;
            }
            long last = 0;
            for (int i = 0; i < count; i++)
            {
                if (i == sender)
                    continue;
                long at = probe.ArrivalAt(i);
                perReceiver.Add(Stopwatch.GetElapsedTime(sent, at).TotalMilliseconds);
                last = Math.Max(last, at);
            }
            toAll.Add(Stopwatch.GetElapsedTime(sent, last).TotalMilliseconds);
            collected.Add(GC.CollectionCount(0) != gen0Before);
            Thread.Sleep(20);
        }
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated0;
        var messageTypes = messageTicks.Tally().Take(12).ToList();
        Say($"allocated while measuring: {Kb(allocated / Math.Max(1, messages))} a message across all nodes, with the harness"
            + (messageTypes.Count > 0 ? "; sampled types (~100 KB per sample):" : "; no allocation samples from this runtime"));
        foreach ((string type, int samples, long _) in messageTypes)
            Say($"  {samples,6} samples  {type}");
        Say($"links opened {links.Opened}, closed {links.Closed} in all ({links.Reasons()})");
        (long Duplicates, long Grafts, long Haves, long Queued) flood1 = FloodCounters(network);
        Say($"per message: {(flood1.Queued - flood0.Queued) / (double)messages:0} CHAT frames queued, {(flood1.Duplicates - flood0.Duplicates) / (double)messages:0} duplicates; "
            + $"{(flood1.Haves - flood0.Haves) / (double)messages:0} HAVE frames received, {(flood1.Grafts - flood0.Grafts) / (double)messages:0.0} pulls after one");
        Say($"measured {messages} messages in {(Clock.Elapsed - measureStart).TotalSeconds:0.0} s; {incomplete} did not reach everyone; "
            + $"JIT meanwhile {JitSince(jit0)}");
        if (toAll.Count > 0)
        {
            Say($"time until all {count - 1} others have a message ({toAll.Count} messages): p50 {Percentile(toAll, 50):0.0} ms, "
                + $"p99 {Percentile(toAll, 99):0.0} ms, min {toAll.Min():0.0} ms, max {toAll.Max():0.0} ms");
            Say($"time until one receiver has it ({perReceiver.Count} deliveries): p50 {Percentile(perReceiver, 50):0.0} ms, "
                + $"p99 {Percentile(perReceiver, 99):0.0} ms");
            // In order said: one slow message among fast ones points at a path that needed repair.
            Say($"each message, ms (* a young collection during it): "
                + string.Join(" ", toAll.Select((ms, i) => ms.ToString("0") + (i < collected.Count && collected[i] ? "*" : ""))));
            Say($"young collections while measuring: {GC.CollectionCount(0) - gen0AtStart}, of them induced by the nodes' "
                + $"timers {P2PChat.Net.YoungCollections.Induced - inducedAtStart}; gen1 {GC.CollectionCount(1)}, gen2 {GC.CollectionCount(2)} since start");
        }

        bool talked = talkSeconds <= 0 || TalkPhase.Run(network, talk, links, talkSeconds, talkRate, random, Say);

        long rss = RssBytes();
        long heap = GC.GetTotalMemory(forceFullCollection: false);
        long live = GC.GetTotalMemory(forceFullCollection: true);
        long committed = GC.GetGCMemoryInfo().TotalCommittedBytes;
        long rssAfterGc = RssBytes();
        int[] finalDegrees = [.. network.Nodes.Select(n => n.DirectPeerCount)];
        Say($"links per node: min {finalDegrees.Min()} avg {finalDegrees.Average():0.00} max {finalDegrees.Max()}");
        Say($"memory: RSS {Mb(rss)} = {Kb(rss / count)} per peer ({Kb((rss - rssBefore) / count)} per peer above the empty process); "
            + $"GC heap {Mb(heap)}; live after a full GC {Mb(live)} = {Kb(live / count)} per peer, committed {Mb(committed)}, "
            + $"RSS then {Mb(rssAfterGc)}");
        Say($"total {Clock.Elapsed.TotalSeconds:0.0} s; disposing");
        return settled && incomplete == 0 && talked ? 0 : 1;
    }

    /// <summary>ChatNode.FloodCounters summed over every node: what flooding a message cost the whole network.</summary>
    private static (long Duplicates, long Grafts, long Haves, long Queued) FloodCounters(LoopbackNetwork network)
    {
        (long, long, long, long) sum = default;
        foreach (ChatNode node in network.Nodes)
        {
            var c = node.FloodCounters;
            sum = (sum.Item1 + c.Duplicates, sum.Item2 + c.Grafts, sum.Item3 + c.Haves, sum.Item4 + c.Queued);
        }
        return sum;
    }

    /// <summary>What the JIT compiled since <paramref name="mark"/>: its time and the count of methods.</summary>
    private static string JitSince((TimeSpan Time, long Methods) mark) =>
        $"{(JitInfo.GetCompilationTime() - mark.Time).TotalMilliseconds:0} ms, {JitInfo.GetCompiledMethodCount() - mark.Methods} methods";

    private static double Percentile(List<double> values, int percent) => NearestRank([.. values.Order()], percent);

    /// <summary>The nearest-rank percentile of values already sorted (TalkPhase's too).</summary>
    internal static double NearestRank(IReadOnlyList<double> sorted, int percent)
    {
        int rank = (int)Math.Ceiling(percent / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out int value) ? value : fallback;
    }

    private static double Option(string[] args, string name, double fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && double.TryParse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture, out double value)
            ? value : fallback;
    }

    /// <summary>Resident set size of this process, from /proc/self/status (0 where there is none).</summary>
    private static long RssBytes()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim()) * 1024;
        }
        catch (IOException)
        {
        }
        return 0;
    }

    private static string Mb(long bytes) => $"{bytes / (1024.0 * 1024):0.0} MiB";

    private static string Kb(long bytes) => $"{bytes / 1024.0:0} KiB";

    private static void Say(string text) => Console.WriteLine($"[{Clock.Elapsed.TotalSeconds,7:0.0} s] {text}");
}
