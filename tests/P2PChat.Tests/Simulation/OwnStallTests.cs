// A machine that stops running us for a while (a full test host's starved thread pool, a suspended laptop, the whole
// process group stopped) must not, when it runs again, close live links as silent: the silence was ours
// (NodeCore.ForgiveOwnStall). A peer that stops while we run is still found dead in DeadAfter. In simulated time, so
// the stall is exact and the first tick after it comes before any ping could.
using P2PChat.Net;

namespace P2PChat.Tests.Simulation;

public class OwnStallTests
{
    private static (SimNetwork Net, NodeHost[] Nodes) LineOfThree(int seed)
    {
        var net = new SimNetwork(seed, null);
        List<NodeHost> nodes = SimLine.Start(net, 3, "s");
        net.Events.RunUntil(5000);
        return (net, [.. nodes]);
    }

    private static string Links(NodeHost[] nodes) =>
        string.Join("; ", nodes.Select(n => $"{n.Label}: {string.Join(",", n.Core.Links.Open.Select(l => l.Id))}"));

    [Test]
    [Arguments(1)]
    [Arguments(2)]
    [Arguments(3)]
    public async Task A_stall_of_the_whole_machine_longer_than_dead_after_closes_no_link(int seed)
    {
        (SimNetwork net, NodeHost[] nodes) = LineOfThree(seed);
        string before = Links(nodes);
        await Assert.That(nodes[1].Core.Links.Open.Length).IsEqualTo(2);

        foreach (NodeHost node in nodes)
            node.Pause();
        net.Events.RunUntil(net.Now + 10_000); // over three times DeadAfter
        foreach (NodeHost node in nodes)
            node.Resume();
        net.Events.RunUntil(net.Now + 5000);

        await Assert.That(Links(nodes)).IsEqualTo(before);
        // The first tick after the stall is late by the stall less what was left of the wait for it (at most IdleTickMs).
        await Assert.That(nodes.Min(n => n.Core.StalledMs)).IsGreaterThanOrEqualTo(10_000 - NodeCore.IdleTickMs - NodeCore.StallAfterMs);
    }

    [Test]
    public async Task A_peer_that_stops_while_we_run_is_still_found_dead_within_dead_after()
    {
        (SimNetwork net, NodeHost[] nodes) = LineOfThree(4);
        nodes[2].Pause();
        long deadAfter = (long)new NodeOptions("x").DeadAfter.TotalMilliseconds;
        net.Events.RunUntil(net.Now + deadAfter + 500);
        await Assert.That(nodes[1].Core.Links.Open.Length).IsEqualTo(1).Because(Links(nodes));
        await Assert.That(nodes[1].Core.StalledMs).IsEqualTo(0);
    }
}
