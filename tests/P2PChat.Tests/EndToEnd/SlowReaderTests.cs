// End-to-end: a peer whose stdout nobody reads (piped into a program that hung) must not stall the chat through it.
// In a line a - b - c with --links 0, b's stdout is never read; a pipes in 5,000 lines, which c must print all of, in
// order, once, while a's and c's links to b stay up. What b itself prints is not checked: the intended behaviour is
// that b buffers its output up to a bound, then drops lines and reports how many on stderr, and never stops relaying.
using System.Diagnostics;

namespace P2PChat.Tests.EndToEnd;

[NotInParallel("e2e")]
public sealed class SlowReaderTests
{
    private const int Lines = 5_000;

    /// <summary>5,000 short lines over two loopback hops take well under a second; the rest is for a busy machine.</summary>
    private static readonly TimeSpan DeliveryDeadline = TimeSpan.FromSeconds(10);

    /// <summary>After the burst the links are watched this long: a stalled b goes silent and is declared dead after
    /// 3 s plus a 250 ms tick (docs/PROTOCOL.md, Heartbeats).</summary>
    private static readonly TimeSpan LinkWatch = TimeSpan.FromSeconds(4);

    [Test]
    public async Task A_relay_whose_stdout_nobody_reads_passes_5000_lines_on_in_order_once_and_keeps_its_links()
    {
        await using ChatProcess a = await ChatProcess.StartPeerAsync("a", null, "--links", "0");
        await using ChatProcess b = await ChatProcess.StartPeerWithUnreadStdoutAsync("b", a.Port, "--links", "0");
        await using ChatProcess c = await ChatProcess.StartPeerAsync("c", b.Port, "--links", "0");
        ChatProcess[] all = [a, b, c];
        await Wait.UntilAsync(() => a.Neighbours.SetEquals(["b"]) && b.Neighbours.SetEquals(["a", "c"]) && c.Neighbours.SetEquals(["b"]),
            "the line a - b - c", () => $"links: {Topology.Describe(all)}\n{Brief(all)}");

        // About 60 bytes per line on b's stdout, 300 KB in all: several times the 64 KiB a pipe holds.
        string[] texts = [.. Enumerable.Range(1, Lines).Select(i => $"line {i:0000} of {Lines}, relayed by b whose stdout nobody reads")];
        string[] expected = [.. texts.Select(text => $"a: {text}")];
        var clock = Stopwatch.StartNew();
        Task piping = a.SayAllAsync(texts); // awaited last: a paces its stdin, and the test must not block on that
        bool allArrived = await Wait.HoldsWithinAsync(() => FromA(c).Length >= Lines, DeliveryDeadline);
        TimeSpan took = clock.Elapsed;
        string[] printed = FromA(c);

        const string After = "a after the burst";
        await a.SayAsync(After);
        bool afterArrived = await Wait.HoldsWithinAsync(() => c.Stdout.Contains($"a: {After}"), TimeSpan.FromSeconds(5));

        string? watchFailure = null;
        try
        {
            await Wait.ThroughoutAsync(() => Closures(a).Length == 0 && Closures(c).Length == 0, LinkWatch,
                "a's and c's links to b to stay open", () => Brief(all));
        }
        catch (InvalidOperationException e)
        {
            watchFailure = e.Message;
        }
        bool piped = await Wait.HoldsWithinAsync(() => piping.IsCompleted, TimeSpan.FromSeconds(5));

        int distinct = printed.Distinct(StringComparer.Ordinal).Count();
        int firstWrong = Enumerable.Range(0, Math.Min(printed.Length, Lines)).FirstOrDefault(i => printed[i] != expected[i], -1);
        string measured = $"c printed {printed.Length} lines from a ({distinct} distinct) of {Lines} "
            + $"{(allArrived ? $"in {took.TotalMilliseconds:0} ms" : $"within {DeliveryDeadline.TotalSeconds:0} s")}; "
            + $"first line out of place: {(firstWrong < 0 ? "none" : $"#{firstWrong + 1} '{printed[firstWrong]}'")}; last: '{printed.LastOrDefault()}'; "
            + $"a's stdin {(piped ? "fully read" : "NOT fully read")}; link closures: a [{string.Join("; ", Closures(a))}], c [{string.Join("; ", Closures(c))}]";
        Console.WriteLine($"[slow reader] {measured}");

        string everything = $"{measured}\n{Brief(all)}";
        await Assert.That(printed.SequenceEqual(expected)).IsTrue()
            .Because($"c should print a's {Lines} lines once each, in order, within {DeliveryDeadline.TotalSeconds:0} s, though nobody reads b's stdout\n{everything}");
        await Assert.That(afterArrived).IsTrue().Because($"c should print 'a: {After}' within 5 s of the burst\n{everything}");
        await Assert.That(watchFailure).IsNull().Because($"neither a nor c should lose its link to b\n{everything}");
    }

    /// <summary>c's lines from a, in the order printed.</summary>
    private static string[] FromA(ChatProcess c) => [.. c.Stdout.Where(line => line.StartsWith("a: line ", StringComparison.Ordinal))];

    /// <summary>"p2pchat: link to b closed (...)" lines on <paramref name="p"/>'s stderr.</summary>
    private static string[] Closures(ChatProcess p) =>
        [.. p.Stderr.Where(line => line.StartsWith("p2pchat: link to b closed", StringComparison.Ordinal))];

    /// <summary>Each process's stderr and how many stdout lines it printed (thousands of lines would drown a message).</summary>
    private static string Brief(IEnumerable<ChatProcess> peers) => string.Join('\n', peers.Select(p =>
        $"  {p.Label} ({(p.StdoutRead ? $"{p.Stdout.Count} stdout lines" : "stdout left unread")}), stderr:"
        + string.Concat(p.Stderr.Select(line => $"\n    | {line}"))));
}
