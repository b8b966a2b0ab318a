// End-to-end: many senders, each heard once. A raw protocol client linked to one peer of a triangle of real p2pchat
// processes sends 3,000 CHAT frames, each from an origin of its own (more origins than a node's duplicate filter
// tracks), once each. Every peer must print each line at most once, and once the client stops the network must go
// quiet: stdout stops growing within a few seconds and the peers' CPU falls back to near idle.
using System.Diagnostics;
using System.Text;
using P2PChat.Net;

namespace P2PChat.Tests.EndToEnd;

[NotInParallel("e2e")]
public sealed class ManySendersTests
{
    private const int Senders = 3_000;
    private const string SwarmName = "swarm";

    /// <summary>3,000 lines from 3,000 fresh keys are a flood by design: a peer checks at most NodeOptions.VerifyRate (500)
    /// new signatures a second from one link while another link brings lines, so they take 1-3 s here and over 4 s on a
    /// slower machine. The rest is for a busy machine.</summary>
    private static readonly TimeSpan ArrivalDeadline = TimeSpan.FromSeconds(20);

    /// <summary>Quiet: no peer's stdout line count changed for <see cref="QuietFor"/>, reached within
    /// <see cref="QuietWithin"/> of every line having arrived everywhere (of the arrival deadline if they did not):
    /// counted from the send, a slow delivery left no time to be quiet in (CI, 4.3 s to arrive, 0 lines after).</summary>
    private static readonly TimeSpan QuietFor = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan QuietWithin = TimeSpan.FromSeconds(5);

    /// <summary>Then each peer's CPU (user + system) over this window must stay under <see cref="CpuLimit"/> of one core:
    /// an idle peer only sends a heartbeat a second and a presence announcement.</summary>
    private static readonly TimeSpan CpuWindow = TimeSpan.FromSeconds(3);
    private const double CpuLimit = 0.10;

    // framesPerSend: all 3,000 in one send (they reach the node in a few reads), or one frame per send.
    [Test]
    [Arguments(Senders)]
    [Arguments(1)]
    public async Task Three_thousand_lines_from_as_many_origins_are_printed_at_most_once_and_then_the_triangle_goes_quiet(int framesPerSend)
    {
        await using ChatProcess a = await ChatProcess.StartPeerAsync("a");
        await using ChatProcess b = await ChatProcess.StartPeerAsync("b", a.Port);
        await using ChatProcess c = await ChatProcess.StartPeerAsync("c", b.Port);
        ChatProcess[] peers = [a, b, c];
        await Topology.WaitForLinksAsync(peers, 2); // a triangle

        int seed = Random.Shared.Next();
        var random = new Random(seed);
        // Each sender is a key of its own (origins come from keys), each line signed by it.
        var keys = new P2PChat.Net.Crypto.SeededRandomSource(random);
        byte[][] frames = [.. Enumerable.Range(0, Senders).Select(i => RawPeer.Chat(NodeKeys.Generate(keys), 1, SwarmName, Encoding.UTF8.GetBytes(Text(i))))];

        await using RawLink raw = await RawLink.ConnectAsync(a.Port, SwarmName);
        foreach (byte[][] chunk in frames.Chunk(framesPerSend))
            await raw.SendAsync([.. chunk.SelectMany(frame => frame)]);
        var sent = Stopwatch.StartNew();

        bool arrived = await Wait.HoldsWithinAsync(() => peers.All(p => p.StdoutCount >= Senders), ArrivalDeadline);
        TimeSpan arrivedAfter = sent.Elapsed;
        string quietFailure = "";
        try
        {
            await Eventually.WaitUntilStable(() => string.Join(' ', peers.Select(p => p.StdoutCount)), QuietFor, QuietWithin,
                "the peers' stdout line counts");
        }
        catch (TimeoutException e)
        {
            quietFailure = e.Message;
        }
        TimeSpan quietAfter = sent.Elapsed;

        // An observation window, not a wait for anything: what the peers do once there is nothing left to do.
        int[] linesBefore = [.. peers.Select(p => p.StdoutCount)];
        TimeSpan[] cpuBefore = [.. peers.Select(p => ProcessCpu.Used(p.Pid))];
        var window = Stopwatch.StartNew();
        await Task.Delay(CpuWindow);
        double[] cpu = [.. peers.Select((p, i) => (ProcessCpu.Used(p.Pid) - cpuBefore[i]) / window.Elapsed)];
        int[] linesDuring = [.. peers.Select((p, i) => p.StdoutCount - linesBefore[i])];

        var report = new StringBuilder($"seed {seed}; {Senders} frames sent to a, {framesPerSend} per send; raw link got back "
            + $"{raw.Received(FrameType.Chat)} CHAT, {raw.Received(FrameType.Replay)} REPLAY, {raw.Received(FrameType.Prune)} PRUNE frames"
            + $"{(raw.Ended is { } ended ? $", then closed ({ended})" : "")}; "
            + $"{(arrived ? $"every line everywhere after {arrivedAfter.TotalMilliseconds:0} ms" : $"NOT every line everywhere within {ArrivalDeadline.TotalSeconds:0} s")}; "
            + (quietFailure.Length == 0 ? $"quiet after {quietAfter.TotalMilliseconds:0} ms" : $"NOT quiet within {QuietWithin.TotalSeconds:0} s of that"));
        var repeated = new List<string>();
        var missing = new List<string>();
        for (int i = 0; i < peers.Length; i++)
        {
            IReadOnlyList<string> printed = peers[i].Stdout;
            Dictionary<string, int> counts = printed.GroupBy(line => line, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            // Every sender is a key of its own under one name, so each is shown with its fingerprint (swarm#3f2a: TEXT)
            // from the moment a second key uses the name; the very first line may still read swarm: TEXT.
            var texts = printed.Where(line => (line.StartsWith(SwarmName + "#", StringComparison.Ordinal) || line.StartsWith(SwarmName + ": ", StringComparison.Ordinal))
                    && line.Contains(": "))
                .Select(line => line[(line.IndexOf(": ", StringComparison.Ordinal) + 2)..]).ToHashSet(StringComparer.Ordinal);
            int expectedHere = Enumerable.Range(0, Senders).Count(n => texts.Contains(Text(n)));
            string[] twice = [.. counts.Where(pair => pair.Value > 1).OrderByDescending(pair => pair.Value).Select(pair => $"'{pair.Key}' x{pair.Value}")];
            report.Append($"\n  {peers[i].Label}: {printed.Count} stdout lines, {counts.Count} distinct, {expectedHere} of {Senders} sent lines; "
                + $"{twice.Length} lines printed more than once (most: {string.Join(", ", twice.Take(3))}); "
                + $"{linesDuring[i]} lines and {cpu[i]:P0} of a core during the {CpuWindow.TotalSeconds:0} s window");
            if (twice.Length > 0)
                repeated.Add($"{peers[i].Label} printed {twice.Length} lines more than once, e.g. {string.Join(", ", twice.Take(3))}");
            if (expectedHere < Senders)
                missing.Add($"{peers[i].Label} lacks {Senders - expectedHere} of the {Senders} lines");
        }
        Console.WriteLine($"[many senders] {report}");

        string everything = $"{report}\n  stderr:\n{string.Join('\n', peers.Select(p => $"  {p.Label}:{string.Concat(p.Stderr.TakeLast(20).Select(l => $"\n    | {l}"))}"))}";
        await Assert.That(repeated).IsEmpty().Because($"each of the {Senders} lines should be printed at most once by every peer\n{everything}");
        await Assert.That(missing).IsEmpty().Because($"every peer should print each of the {Senders} lines\n{everything}");
        await Assert.That(quietFailure).IsEmpty().Because($"stdout should stop growing within {QuietWithin.TotalSeconds:0} s of the lines' arrival\n{everything}");
        foreach ((ChatProcess peer, double used) in peers.Zip(cpu))
            await Assert.That(used).IsLessThan(CpuLimit)
                .Because($"{peer.Label} should be near idle once the {Senders} lines are delivered ({used:P0} of a core over {CpuWindow.TotalSeconds:0} s)\n{everything}");
    }

    private static string Text(int i) => $"line {i:0000} from a sender of its own";

}
