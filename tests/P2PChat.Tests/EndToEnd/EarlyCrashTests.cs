// End-to-end: kill -9 moments after a network formed, before peer exchange, presence and pruning have settled. Each
// shape is built as fast as the peers start, crashed at a seeded random moment, and must heal within 3 s; this is
// repeated with fresh processes and the heal times are printed per run and summed up. The suite runs 8 kills a shape (a
// slice, ~25 s in all); .ci/run runs 20, and P2PCHAT_E2E_REPEAT any number (README, "How it is built": tests/).
using System.Diagnostics;
using System.Globalization;

namespace P2PChat.Tests.EndToEnd;

[NotInParallel("e2e")]
public sealed class EarlyCrashTests
{
    /// <summary>The promise: every survivor hears every other survivor within 3 s of a kill...</summary>
    private static readonly TimeSpan HealLimit = TimeSpan.FromSeconds(3);

    /// <summary>...plus this much for a 2-core machine that runs the test, up to 7 peers, and maybe a build.</summary>
    private static readonly TimeSpan MachineAllowance = TimeSpan.FromMilliseconds(1500);

    /// <summary>A run that misses the limit is still watched this long after the kill, to tell how late it healed.</summary>
    private static readonly TimeSpan MeasureFor = TimeSpan.FromSeconds(8);

    /// <summary>The kill comes this long after the last peer joined: drawn uniformly from [100 ms, 1000 ms]: the first second, before the network has grown its extra links.</summary>
    private const int EarliestKillMs = 100, LatestKillMs = 1000;

    [Test]
    public Task Killing_the_middle_of_a_line_of_five_moments_after_it_formed_heals_within_3_s_every_time() =>
        CrashEarlyRepeatedlyAsync("line of 5", [("l0", null), ("l1", "l0"), ("l2", "l1"), ("l3", "l2"), ("l4", "l3")], victim: "l2");

    [Test]
    public Task Killing_the_hub_of_a_star_of_six_moments_after_it_formed_heals_within_3_s_every_time() =>
        CrashEarlyRepeatedlyAsync("star of 6", [("hub", null), ("s1", "hub"), ("s2", "hub"), ("s3", "hub"), ("s4", "hub"), ("s5", "hub")], victim: "hub");

    [Test]
    public Task Killing_the_root_of_a_binary_tree_of_seven_moments_after_it_formed_heals_within_3_s_every_time() =>
        CrashEarlyRepeatedlyAsync("tree of 7",
            [.. Enumerable.Range(0, 7).Select(i => (i == 0 ? "root" : $"t{i}", i == 0 ? null : (i - 1) / 2 == 0 ? "root" : $"t{(i - 1) / 2}"))],
            victim: "root");

    /// <summary>How one run went: when the kill came, the links it hit, how long until every survivor had every
    /// other's line (null: not within <see cref="MeasureFor"/>), and what was wrong.</summary>
    private sealed record Run(int Number, TimeSpan KillAfterJoin, string LinksAtKill, TimeSpan? Healed, List<string> Problems);

    private static async Task CrashEarlyRepeatedlyAsync(string shape, (string Name, string? Parent)[] layout, string victim)
    {
        int repeat = EnvironmentInt("P2PCHAT_E2E_REPEAT") ?? 8;
        int seed = EnvironmentInt("P2PCHAT_E2E_SEED") ?? Random.Shared.Next();
        TimeSpan deadline = HealLimit + MachineAllowance;
        Console.WriteLine($"[{shape}] seed {seed} (P2PCHAT_E2E_SEED={seed} replays these kill moments), {repeat} runs, "
            + $"kill -9 {victim}, deadline {Seconds(deadline)} ({Seconds(HealLimit)} + {Seconds(MachineAllowance)} for the machine)");
        var random = new Random(seed);
        var runs = new List<Run>();
        var clock = Stopwatch.StartNew();
        for (int number = 1; number <= repeat; number++)
        {
            TimeSpan killAfterJoin = TimeSpan.FromMilliseconds(random.Next(EarliestKillMs, LatestKillMs + 1));
            Run run = await CrashOnceAsync(shape, layout, victim, number, killAfterJoin, deadline);
            runs.Add(run);
            string healed = run.Healed is { } t ? $"healed in {Seconds(t)}" : $"NOT healed within {Seconds(MeasureFor)}";
            string problems = run.Problems.Count == 0 ? "" : $"; PROBLEMS: {string.Join("; ", run.Problems.Select(FirstLine))}";
            Console.WriteLine($"[{shape}] run {number,2}: kill at +{Seconds(killAfterJoin)} after the last join (links: {run.LinksAtKill}): {healed}{problems}");
        }

        TimeSpan[] healedTimes = [.. runs.Where(r => r.Healed is not null).Select(r => r.Healed!.Value).Order()];
        string spread = healedTimes.Length == 0 ? "no run healed"
            : $"min {Seconds(healedTimes[0])}, median {Seconds(healedTimes[healedTimes.Length / 2])}, max {Seconds(healedTimes[^1])}";
        Run[] failed = [.. runs.Where(r => r.Problems.Count > 0)];
        string summary = $"[{shape}] heal time over {runs.Count} runs: {spread}; {runs.Count - healedTimes.Length} never healed within "
            + $"{Seconds(MeasureFor)}; {failed.Length} of {runs.Count} runs failed (seed {seed}, {clock.Elapsed.TotalSeconds:0} s in all)";
        Console.WriteLine(summary);

        string details = string.Join("\n\n", failed.Take(3).Select(r => $"run {r.Number} (kill at +{Seconds(r.KillAfterJoin)}):\n{string.Join('\n', r.Problems)}"));
        await Assert.That(failed.Length).IsEqualTo(0)
            .Because($"every survivor should print every other survivor's line within {Seconds(deadline)} of the kill, once each\n{summary}\n{details}");
    }

    private static async Task<Run> CrashOnceAsync(string shape, (string Name, string? Parent)[] layout, string victim, int number,
        TimeSpan killAfterJoin, TimeSpan deadline)
    {
        var peers = new Dictionary<string, ChatProcess>(StringComparer.Ordinal);
        var problems = new List<string>();
        try
        {
            // Each peer joins its parent as soon as the parent printed its port (which it does once it has joined).
            foreach ((string name, string? parent) in layout)
                peers[name] = await ChatProcess.StartPeerAsync(name, parent is null ? null : peers[parent].Port);
            await Task.Delay(killAfterJoin); // the schedule drawn from the seed, not a wait for anything

            ChatProcess[] all = [.. peers.Values];
            ChatProcess dead = peers[victim];
            ChatProcess[] survivors = [.. all.Where(p => p != dead)];
            string linksAtKill = Topology.Describe(all);
            var clock = Stopwatch.StartNew();
            await dead.KillAsync();
            var after = new Delivery();
            foreach (ChatProcess survivor in survivors)
                await after.SayAsync(survivor, $"{survivor.Name} after {victim} was killed in run {number}");

            TimeSpan? healed = null;
            try
            {
                await Eventually.WaitUntil(() => after.Check(survivors).AllArrived, MeasureFor - clock.Elapsed, "every survivor's line everywhere");
                healed = clock.Elapsed;
            }
            catch (TimeoutException)
            {
                // Reported below with what arrived where.
            }
            if (healed is not { } t || t > deadline)
                problems.Add($"{shape}, run {number}: expected every survivor to print every other survivor's line within {Seconds(deadline)} "
                    + $"of kill -9 {victim}, but {(healed is { } late ? $"that took {Seconds(late)}" : $"after {Seconds(MeasureFor)}")}: "
                    + $"{after.Check(survivors)}\n  links at the kill: {linksAtKill}\n  links now: {Topology.Describe(survivors)}\n{Topology.DescribeAll(all)}");

            // One more line each: a copy of a post-kill line that a late link replays would show by the time these arrive.
            var last = new Delivery();
            foreach (ChatProcess survivor in survivors)
                await last.SayAsync(survivor, $"{survivor.Name} end of run {number}");
            try
            {
                await Eventually.WaitUntil(() => last.Check(survivors).AllArrived, TimeSpan.FromSeconds(5), "every survivor's last line everywhere");
            }
            catch (TimeoutException)
            {
                problems.Add($"{shape}, run {number}: end-of-run lines not everywhere 5 s after they were said: {last.Check(survivors)}");
            }
            DeliveryReport report = after.Check(survivors);
            if (report.AllArrived && !report.IsExact)
                problems.Add($"{shape}, run {number}: post-kill lines not exactly once each: {report}");
            foreach (ChatProcess survivor in survivors)
                if (Delivery.RepeatedLines(survivor) is { Length: > 0 } twice)
                    problems.Add($"{shape}, run {number}: {survivor.Label} printed a line more than once: {string.Join(", ", twice)}");
            return new Run(number, killAfterJoin, linksAtKill, healed, problems);
        }
        finally
        {
            await Task.WhenAll(peers.Values.Select(p => p.DisposeAsync().AsTask()));
        }
    }

    private static int? EnvironmentInt(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value > 0 ? value : null;

    private static string FirstLine(string text) => text.Split('\n')[0];

    private static string Seconds(TimeSpan t) => $"{t.TotalSeconds:0.000} s";
}
