// The simulator in the suite: a fixed campaign of random small networks with faults (every invariant of
// SimInvariants), determinism (one seed, one run), the injector scenario and the lost-lines scenario. A failure names
// the seed, the invariant and the command that replays it; with P2PCHAT_SIM_TRACE=path the failing seed's trace is
// written there.
using P2PChat.Tests.Simulation;

namespace P2PChat.Tests;

[NotInParallel]
public class SimulationCampaignTests
{
    /// <summary>Seeds per run of the suite: about 20 s on a busy 2-core machine (about 3 seeds/s since every link is
    /// encrypted and every line and announcement signed with real keys; was 400 seeds at 20 seeds/s before).</summary>
    public const int CampaignSeeds = 50;

    public const int FirstSeed = 1_000_000;

    // Alone (the whole class): the campaign keeps both cores busy, and loopback tests beside it would miss their
    // heartbeats (their timers run on the same thread pool) and fail for reasons that are not theirs.
    [Test]
    public async Task Random_small_networks_with_faults_keep_every_invariant()
    {
        var failures = new System.Collections.Concurrent.ConcurrentBag<SimFailure>();
        Parallel.For(FirstSeed, FirstSeed + CampaignSeeds, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, seed =>
        {
            try
            {
                SimScenario.Run(seed);
            }
            catch (SimFailure failure)
            {
                failures.Add(failure);
            }
        });
        SimFailure[] sorted = [.. failures.OrderBy(f => f.Seed)];
        if (sorted.Length > 0)
            WriteTrace(sorted[0].Seed);
        await Assert.That(sorted.Length).IsEqualTo(0)
            .Because($"{sorted.Length} of {CampaignSeeds} seeds broke an invariant:\n{string.Join("\n", sorted.Select(f => f.Report))}");
    }

    /// <summary>The suite's slice of the large campaign (tools/sim --large; .ci/run runs 20 more): 114 nodes, and 54
    /// whose rosters hold 37 (past the cap), ~10 s on two cores.</summary>
    public static readonly int[] LargeSeeds = [1_000_003, 1_000_002];

    [Test]
    public async Task Large_networks_with_faults_keep_every_invariant_within_the_roster_cap_and_past_it()
    {
        var results = new SimResult[LargeSeeds.Length];
        var failures = new string[LargeSeeds.Length];
        Parallel.For(0, LargeSeeds.Length, i =>
        {
            try
            {
                results[i] = SimScenario.Run(LargeSeeds[i], large: true);
            }
            catch (SimFailure e)
            {
                failures[i] = e.Report;
            }
        });
        for (int i = 0; i < LargeSeeds.Length; i++)
            if (failures[i] is not null)
                WriteTrace(LargeSeeds[i], large: true);
        await Assert.That(string.Concat(failures)).IsEqualTo("");
        // The slice keeps a run past the cap, judged as one (SimInvariants.CheckRosters: rosters smaller than the
        // identities the run started) and with more live nodes than a roster holds; a later change to the draws could
        // lose it without this.
        await Assert.That(results.Any(r => r.RosterCapacity < r.Live - 1)).IsTrue();
    }

    [Test]
    public async Task One_seed_gives_the_same_run_byte_for_byte()
    {
        SimResult first = SimScenario.Run(FirstSeed + 7);
        SimResult second = SimScenario.Run(FirstSeed + 7);
        await Assert.That(second).IsEqualTo(first);
    }

    [Test]
    public async Task Lines_from_more_senders_than_the_filter_tracks_are_shown_once_and_the_network_goes_quiet()
    {
        (int origins, long[] shown, long frames, List<string>[] notices) = InjectorScenario.Run(42);
        foreach (long count in shown)
        {
            // The filter takes MaxOrigins senders (minus the triangle's own three); the rest are refused, not looped.
            await Assert.That(count).IsLessThanOrEqualTo(origins);
            await Assert.That(count).IsGreaterThanOrEqualTo(P2PChat.Net.DuplicateFilter.DefaultMaxOrigins - 3)
                .Because($"each node showed [{string.Join(", ", shown)}] of {origins} injected lines; {frames} CHAT frames");
        }
        // ... and never in silence: t0, which the injector sent them to and which refused the rest (so the others never
        // got them), says so (at the first refusal, then once a minute with the count since).
        await Assert.That(notices[0].Any(n => n.Contains("of new senders not shown or passed on"))).IsTrue()
            .Because($"t0 showed {shown[0]} of {origins} and said [{string.Join(" | ", notices[0])}]");
    }

    [Test]
    public async Task Lines_a_sender_never_sent_are_reported_lost_once_by_every_node_of_a_line_of_three()
    {
        // Lines 3-4 never exist: every node, relays included, holds 5 and 6 for them, then gives them up and says so.
        (ulong sender, List<P2PChat.Net.LostLines>[] reports) = LostLinesScenario.Run(43, [1, 2, 5, 6]);
        for (int i = 0; i < reports.Length; i++)
        {
            string told = string.Join(", ", reports[i].Select(r => $"{r.Count} of {r.Name} ({r.Origin:x16})"));
            await Assert.That(reports[i].Count).IsEqualTo(1).Because($"t{i} reported [{told}]");
            await Assert.That((reports[i][0].Origin, reports[i][0].Name, reports[i][0].Count)).IsEqualTo((sender, "skipper", 2UL))
                .Because($"t{i} reported [{told}]");
        }
    }

    [Test]
    public async Task Accepted_links_send_their_HELLO_without_the_simulator_patching_the_core()
    {
        // NodeCore.Connected ignores inbound links (they start Handshaking, it wants Connecting): the acceptor never
        // says HELLO. The simulator patches that by default (SimNetwork.PatchInboundHello); this runs without it.
        var scenario = new SimScenario(1, patchInboundHello: false);
        string failure = "";
        try
        {
            scenario.Run();
        }
        catch (SimFailure e)
        {
            failure = e.Report;
        }
        // A node whose join fails exits, so the invariants alone would pass on a network of one: count the joins.
        string[] failedJoins = [.. scenario.Hosts.Where(h => h.JoinLink != 0 && !h.Joined).Select(h => h.Label)];
        await Assert.That(failedJoins.Length).IsEqualTo(0)
            .Because($"nodes that could not join: {string.Join(", ", failedJoins)} {failure}");
    }

    /// <summary>Replays <paramref name="seed"/> with its trace into P2PCHAT_SIM_TRACE, when that is set.</summary>
    internal static void WriteTrace(int seed, bool large = false)
    {
        string? path = Environment.GetEnvironmentVariable("P2PCHAT_SIM_TRACE");
        if (string.IsNullOrEmpty(path))
            return;
        using var trace = new StreamWriter(path);
        try
        {
            SimScenario.Run(seed, trace, large);
        }
        catch (SimFailure failure)
        {
            trace.WriteLine($"FAILED: {failure.Report}");
        }
    }
}
