// A short slice of the scale campaign (tools/sim --scale N; README, Performance, "Scale"): 60 nodes in virtual time,
// idle for 20 s, then lines from random nodes, then half of them crashed at once. Before presence scaled (one
// announcement per member and second, plus one per 50 members), the same network queued ~40 KiB a second per node
// doing nothing.
namespace P2PChat.Tests.Simulation;

public class ScaleTests
{
    [Test]
    [Arguments(1)]
    [Arguments(2)]
    public async Task Sixty_nodes_idle_at_under_a_kibibyte_a_second_each_deliver_every_line_and_survive_half_of_them_crashing(int seed)
    {
        var result = new ScaleScenario(seed, 60) { IdleMs = 20_000, Lines = 5 }.Run();
        await Assert.That(result.IdleBytesPerNodePerSecond).IsLessThan(1024).Because(result.ToString());
        await Assert.That(result.FalseLeaves).IsEqualTo(0).Because(result.ToString());
        await Assert.That(result.LinesDelivered).IsEqualTo(result.LinesExpected).Because(result.ToString());
        await Assert.That(result.SurvivorsReached).IsEqualTo(result.Survivors).Because(result.ToString());
        await Assert.That(result.CrashLineMs).IsLessThan(30_000).Because(result.ToString());
    }

    [Test]
    public async Task In_four_hundred_idle_nodes_none_keeps_dialling_hosts_that_asked_it_to_go()
    {
        // Seed 3: without the pause after BUSY (Membership.BusyBackoffMs), one node dialled three full hosts in turn for
        // ever, each link costing both ends a roster digest and a PRUNE per member: 56 KB/s while idle, against 2.9.
        var result = new ScaleScenario(3, 400) { IdleMs = 20_000, Lines = 1 }.Run();
        await Assert.That(result.IdleBytesMaxNodePerSecond).IsLessThan(10_000).Because(result.ToString());
    }

    [Test]
    public async Task Sixty_nodes_whose_rosters_hold_forty_stay_quiet_when_idle_deliver_every_line_and_survive_half_crashing()
    {
        // Every member past the cap is unknown to the others, and is refused, not looped: before probes went only to
        // members declared gone, every node at its target probed those unknown ones every 2 s, opening links that were
        // shed again (1,100 nodes against the real cap of 1,024: 30 KB/s of control traffic per node, against 0.7).
        var result = new ScaleScenario(1, 60) { IdleMs = 20_000, Lines = 5, RosterCapacity = 40 }.Run();
        await Assert.That(result.OnlineSeenMin).IsLessThanOrEqualTo(40).Because(result.ToString());
        await Assert.That(result.IdleBytesPerNodePerSecond).IsLessThan(1024).Because(result.ToString());
        await Assert.That(result.LinesDelivered).IsEqualTo(result.LinesExpected).Because(result.ToString());
        await Assert.That(result.SurvivorsReached).IsEqualTo(result.Survivors).Because(result.ToString());
    }
}
