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
}
