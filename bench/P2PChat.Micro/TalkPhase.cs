// `--scale --talk SECONDS`: users saying lines for a while, the way a lab talks, rather than one line at a time on a
// quiet network. Random senders say `--rate` lines a second between them (several lines are often on their way at
// once); each line is timed until every other node has shown it. Reports the lines that did not reach everyone, the
// delays per delivery and per line, the process's CPU over the phase and the links closed meanwhile (a link dropped
// for a missed heartbeat shows up there as HeartbeatTimeout).
using System.Diagnostics;
using P2PChat.Net;

namespace P2PChat.Micro;

internal static class TalkPhase
{
    /// <summary>A line that has not reached every node this long after it was said counts as not delivered.</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(30);

    public static bool Run(LoopbackNetwork network, TalkProbe probe, LinkTally links, int seconds, double rate, Random random,
        Action<string> say)
    {
        int count = network.Nodes.Count;
        var toAll = new List<double>();
        var missing = new List<string>();
        int said = 0, refused = 0;
        var lines = new List<(int Sender, int NthOfSender)>();
        var spoken = new Dictionary<int, int>();
        int closedBefore = links.Closed;
        string reasonsBefore = links.Reasons();
        TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        long start = Stopwatch.GetTimestamp();
        long end = start + (long)(seconds * (double)Stopwatch.Frequency);
        long next = start;
        long interval = (long)(Stopwatch.Frequency / rate);
        long nextReport = start + 30 * Stopwatch.Frequency;
        say($"talking for {seconds} s: {rate:0.##} lines a second from random senders among {count} nodes");
        while (true)
        {
            long now = Stopwatch.GetTimestamp();
            while (now < end && now >= next)
            {
                int sender = random.Next(count);
                ChatNode node = network.Nodes[sender];
                // Registered under the id the sender is about to use, before anyone can have it.
                if (probe.Register(new MessageId(node.NodeId, node.LastSequence + 1), said, Stopwatch.GetTimestamp()) < 0)
                    refused++;
                else
                {
                    node.Say($"talk {said} from p{sender}", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                    spoken[sender] = spoken.GetValueOrDefault(sender) + 1;
                    lines.Add((sender, spoken[sender]));
                    said++;
                }
                next += interval;
            }
            bool inFlight = Sweep(probe, count - 1, toAll, missing, now);
            if (now >= nextReport)
            {
                say($"  {said} lines said, {toAll.Count} reached everyone, {missing.Count} did not; "
                    + $"CPU so far {(Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds / Stopwatch.GetElapsedTime(start).TotalSeconds:P0} of one core; "
                    + $"links closed {links.Closed - closedBefore}");
                nextReport += 30 * Stopwatch.Frequency;
            }
            if (now >= end && !inFlight)
                break;
            Thread.Sleep(5);
        }
        double talkSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds / talkSeconds;

        var deliveries = new double[probe.Deliveries];
        for (int i = 0; i < deliveries.Length; i++)
            deliveries[i] = probe.DeliveryMs(i);
        Array.Sort(deliveries);
        toAll.Sort();
        say($"talked: {said} lines said in {seconds} s ({refused} not said: {TalkProbe.Slots} already on their way); "
            + $"{toAll.Count} reached all {count - 1} others, {missing.Count} did not within {GiveUpAfter.TotalSeconds:0} s"
            + (missing.Count > 0 ? $" (first: {missing[0]})" : ""));
        if (toAll.Count > 0)
            say($"  time until all others have a line: p50 {ScaleRun.NearestRank(toAll, 50):0.0} ms, p99 {ScaleRun.NearestRank(toAll, 99):0.0} ms, max {toAll[^1]:0.0} ms");
        if (deliveries.Length > 0)
            say($"  time until one receiver has it ({deliveries.Length} deliveries): p50 {ScaleRun.NearestRank(deliveries, 50):0.0} ms, "
                + $"p99 {ScaleRun.NearestRank(deliveries, 99):0.0} ms, max {deliveries[^1]:0.0} ms");
        SlowLines(probe, lines, say);
        say($"  CPU of the process over the phase: {cpu:P0} of one core; links closed meanwhile {links.Closed - closedBefore} "
            + $"(in all before: {reasonsBefore}; now: {links.Reasons()})");
        return missing.Count == 0 && refused == 0;
    }

    /// <summary>The lines some node had only after a second: whose they were, and how many were that late (a path
    /// repaired by a timer rather than a slow machine).</summary>
    private static void SlowLines(TalkProbe probe, List<(int Sender, int NthOfSender)> lines, Action<string> say)
    {
        var late = new SortedDictionary<int, (int Count, double FirstMs, double LastMs)>();
        for (int i = 0; i < probe.Deliveries; i++)
        {
            double ms = probe.DeliveryMs(i);
            if (ms < 1000)
                continue;
            int line = probe.DeliveryLine(i);
            (int count, double first, double last) = late.GetValueOrDefault(line, (0, double.MaxValue, 0));
            late[line] = (count + 1, Math.Min(first, ms), Math.Max(last, ms));
        }
        foreach ((int line, (int count, double first, double last)) in late.Take(20))
            say($"  line {line} (p{lines[line].Sender}'s line {lines[line].NthOfSender}): {count} nodes had it after a second, at {first:0}-{last:0} ms");
        if (late.Count > 20)
            say($"  ... {late.Count - 20} more lines late for some node");
    }

    /// <summary>Retires the lines that reached everyone or were given up; true while any is still on its way.</summary>
    private static bool Sweep(TalkProbe probe, int expected, List<double> toAll, List<string> missing, long now)
    {
        bool inFlight = false;
        long giveUp = (long)(GiveUpAfter.TotalSeconds * Stopwatch.Frequency);
        for (int slot = 0; slot < TalkProbe.Slots; slot++)
        {
            if (!probe.InUse(slot))
                continue;
            int received = probe.Received(slot);
            if (received >= expected)
            {
                toAll.Add(probe.LastMs(slot));
                probe.Free(slot);
            }
            else if (now - probe.SaidAt(slot) > giveUp)
            {
                missing.Add($"reached {received} of {expected}");
                probe.Free(slot);
            }
            else
                inFlight = true;
        }
        return inFlight;
    }
}
