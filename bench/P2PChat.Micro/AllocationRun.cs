// `--alloc`: bytes allocated per message on the forwarding path, process-wide (every thread: the saying thread,
// socket completions, timers). A line of three nodes is warmed up, then node 0 says 100,000 messages to node 2 while
// GC.GetTotalAllocatedBytes(precise: true) is read before and after. The same span of time with no messages is
// measured next, for what the nodes' timers allocate anyway. A third pass samples allocations by type. Last, for
// comparison, what one newcomer's join with a full 1,000-message history costs (a one-off per link, not per message).
using System.Diagnostics;
using P2PChat.Net;

namespace P2PChat.Micro;

internal static class AllocationRun
{
    public static int Run(string[] args)
    {
        int messages = args.Length > 0 && int.TryParse(args[0], out int n) ? n : 100_000;
        using var line = ForwardingLine.Start();
        Console.WriteLine($"line of three nodes on 127.0.0.1; {messages:N0} messages of {ForwardingLine.Text.Length} bytes from node 0 to node 2");
        line.Send(2 * ForwardingLine.Window); // warm up: JIT, queue growth, the message log's buffers
        line.Send(messages);

        (long bytes, long threadBytes, TimeSpan elapsed, int gen0) = Measure(() => line.Send(messages));
        Console.WriteLine($"with messages: {bytes:N0} bytes in {elapsed.TotalMilliseconds:N0} ms "
            + $"({messages / elapsed.TotalSeconds:N0} messages/s), {gen0} gen0 GCs");
        Console.WriteLine($"  of which on the saying thread: {threadBytes:N0} bytes");
        // The nodes' timers allocate a little whatever the traffic (PEERS every 5 s, link snapshots every 250 ms):
        // measured over at least 10 s with no messages, as a rate, and scaled to the length of the run.
        (long idle, _, TimeSpan idleTime, _) = Measure(() => Thread.Sleep(elapsed > TimeSpan.FromSeconds(10) ? elapsed : TimeSpan.FromSeconds(10)));
        double baseline = idle * (elapsed / idleTime);
        Console.WriteLine($"idle for {idleTime.TotalSeconds:N1} s (timers only): {idle:N0} bytes, {idle / idleTime.TotalSeconds:N0} bytes/s; "
            + $"{baseline:N0} bytes over the run's {elapsed.TotalMilliseconds:N0} ms");
        Console.WriteLine($"bytes per message, process-wide: {(double)bytes / messages:0.###}");
        Console.WriteLine($"bytes per message, minus the idle baseline: {Math.Max(0, bytes - baseline) / messages:0.###}");

        using (var ticks = new AllocationTicks())
        {
            Thread.Sleep(200);
            ticks.StartRecording();
            const int SampledMessages = 1_000_000;
            (long sampledBytes, _, TimeSpan sampledTime, _) = Measure(() => line.Send(SampledMessages));
            Console.WriteLine($"allocation samples (GC AllocationTick, ~100 KB each) over {SampledMessages:N0} more messages "
                + $"({sampledBytes:N0} bytes, {sampledTime.TotalSeconds:N1} s):");
            Print(ticks.Tally());
        }

        HistoryJoins();
        return 0;
    }

    /// <summary>Newcomers, each joining its own node whose log is full, with History 1000: bytes per newcomer.</summary>
    private static void HistoryJoins()
    {
        const int Newcomers = 16;
        using var old = new LoopbackNetwork();
        using var fresh = new LoopbackNetwork();
        for (int n = 0; n < Newcomers; n++)
        {
            ChatNode node = old.Add(LoopbackNetwork.Options($"old{n}", targetLinks: 0), new CountingSink());
            for (int i = 0; i < MessageLog.DefaultCapacity; i++)
                node.Say($"message {i} of the history a newcomer is about to receive", 1_700_000_000_000 + i);
        }
        using var ticks = new AllocationTicks();
        Thread.Sleep(200);
        ticks.StartRecording();
        (long bytes, _, TimeSpan elapsed, _) = Measure(() =>
        {
            for (int n = 0; n < Newcomers; n++)
            {
                var sink = new CountingSink();
                sink.Expect(MessageLog.DefaultCapacity);
                ChatNode newcomer = fresh.Add(LoopbackNetwork.Options($"new{n}", targetLinks: 0) with { History = MessageLog.DefaultCapacity }, sink);
                newcomer.JoinAsync("127.0.0.1", old.Nodes[n].ListenEndPoint.Port).GetAwaiter().GetResult();
                if (!sink.Wait(TimeSpan.FromSeconds(30)))
                    throw new TimeoutException($"newcomer {n} received {sink.Count} of {MessageLog.DefaultCapacity} replayed messages");
            }
        });
        Console.WriteLine($"history: {Newcomers} newcomers each received a full log of {MessageLog.DefaultCapacity:N0} in "
            + $"{elapsed.TotalMilliseconds / Newcomers:0.0} ms each; {bytes / Newcomers:N0} bytes per newcomer "
            + $"(both sides: the new link's buffers, the newcomer's node and log, the old node's queue growth); samples:");
        Print(ticks.Tally());
    }

    private static void Print(List<(string Type, int Samples, long Bytes)> tally)
    {
        if (tally.Count == 0)
            Console.WriteLine("  none: less than one sampling interval was allocated");
        foreach ((string type, int samples, long sampled) in tally.Take(12))
            Console.WriteLine($"  {samples,5} samples {sampled,12:N0} bytes  {type}");
    }

    private static (long Bytes, long ThreadBytes, TimeSpan Elapsed, int Gen0) Measure(Action action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        int gen0 = GC.CollectionCount(0);
        long thread = GC.GetAllocatedBytesForCurrentThread();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        long start = Stopwatch.GetTimestamp();
        action();
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        long after = GC.GetTotalAllocatedBytes(precise: true);
        return (after - before, GC.GetAllocatedBytesForCurrentThread() - thread, elapsed, GC.CollectionCount(0) - gen0);
    }
}
