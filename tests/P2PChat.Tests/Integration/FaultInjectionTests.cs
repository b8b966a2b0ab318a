// The faults of ChatNode.Faults.cs, each shown to be survived: a black-holed link (a pulled cable: no FIN, no RST)
// is found by heartbeats and routed around; a paused node (SIGSTOP) is declared dead, and once resumed catches up
// with everything said meanwhile, exactly once and in order.
using P2PChat.Net;

namespace P2PChat.Tests.Integration;

[ParallelLimiter<IntegrationParallelLimit>]
public class FaultInjectionTests
{
    private static readonly TimeSpan Heal = TimeSpan.FromSeconds(5);

    private static NodeOptions Fast(NodeOptions options) => TestNetwork.Fast(options);

    [Test]
    public async Task A_black_holed_link_is_declared_dead_by_heartbeats_at_both_ends()
    {
        using TestNetwork network = TestNetwork.Start(2, (_, o) => Fast(o) with { TargetLinks = 0 });
        await network.ConnectAll([(1, 0)]);

        // A pulled cable: nothing crosses in either direction, not even the FIN of whichever end gives up first.
        network.Nodes[0].BlackHoleLinksTo(network.Nodes[1].NodeId);
        network.Nodes[1].BlackHoleLinksTo(network.Nodes[0].NodeId);

        await Eventually.WaitUntil(() => network.Sinks.All(s => s.Left.Any(l => l.Contains("no sign of life", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(2), "both ends to declare the silent link dead", network.ToString);
    }

    [Test]
    public async Task A_node_behind_on_reading_a_live_link_does_not_call_it_silent()
    {
        // Dead after 1 s: the first ping n1 sends is taken into n0's buffer and parked there, so only the second (a tick,
        // 250 ms, later) waits in the kernel; 0.4 s leaves no time for it.
        using TestNetwork network = TestNetwork.Start(2, (_, o) => Fast(o) with { TargetLinks = 0, DeadAfter = TimeSpan.FromSeconds(1) });
        await network.ConnectAll([(1, 0)]);

        // n0 is a loaded machine: its timer runs, but what n1 sends waits unread (n1's pings pile up in the kernel).
        network.Nodes[0].FallBehindOnReads();
        try
        {
            // Ten ticks that found the link quiet for over a heartbeat and its bytes waiting: over 2.5 s, past DeadAfter twice.
            await Eventually.WaitUntil(() => network.Nodes[0].HeardBehind >= 10 || network.Sinks[0].Left.Length > 0, TimeSpan.FromSeconds(10),
                "n0 to count n1's unread pings as life", network.ToString);
            await Assert.That(network.Sinks[0].Left).IsEmpty().Because($"{network.Nodes[0].HeardBehind} ticks heard n1 behind");
        }
        finally
        {
            network.Nodes[0].CatchUpOnReads();
        }
        await Assert.That(await network.EveryoneSaysOneMessage("caught up")).IsEmpty();
        await Assert.That(network.Sinks[1].Left).IsEmpty();
    }

    [Test]
    public async Task Messages_flow_again_after_a_black_hole_cuts_the_middle_of_a_line()
    {
        using TestNetwork network = TestNetwork.Start(3, (_, o) => Fast(o));
        await network.ConnectAll([(1, 0), (2, 1)]);

        network.Nodes[1].BlackHoleLinksTo(network.Nodes[2].NodeId);
        network.Nodes[2].Say("into the hole", TestNetwork.Now);

        // Heartbeats find the dead link, membership links n2 to someone again, and SYNC delivers what was lost.
        await Eventually.WaitUntil(() => network.Sinks[0].CountOf("n2: into the hole") == 1 && network.Sinks[1].CountOf("n2: into the hole") == 1,
            Heal, "the message lost in the black hole to arrive anyway", network.ToString);
        string report = await network.EveryoneSaysOneMessage("after the hole");
        await Assert.That(report).IsEmpty();
    }

    [Test]
    public async Task A_paused_node_is_declared_dead_and_after_resuming_catches_up_exactly_once_in_order()
    {
        using TestNetwork network = TestNetwork.Start(3, (_, o) => Fast(o));
        await network.ConnectAll([(1, 0), (2, 1)]);

        network.Nodes[2].Pause();
        await Eventually.WaitUntil(() => network.Nodes[1].DirectPeers().All(p => p.Name != "n2"), TimeSpan.FromSeconds(2),
            "n1 to declare the paused n2 dead", network.ToString);
        string[] said = ["while stopped 1", "while stopped 2", "while stopped 3"];
        foreach (string text in said)
            network.Nodes[0].Say(text, TestNetwork.Now);
        await Eventually.WaitUntil(() => network.Sinks[1].MessageCount == 3, TestNetwork.Deadline, "n1 to hear n0");
        await Assert.That(network.Sinks[2].MessageCount).IsEqualTo(0).Because("a paused node processes nothing");

        network.Nodes[2].Resume();

        await Eventually.WaitUntil(() => network.Sinks[2].MessageCount >= 3, Heal, "n2 to catch up", network.ToString);
        await Eventually.WaitUntilStable(() => network.Sinks[2].MessageCount, TimeSpan.FromMilliseconds(300), Heal, "n2's messages");
        await Assert.That(network.Sinks[2].Messages).IsEquivalentTo(said.Select(s => $"n0: {s}"), TUnit.Assertions.Enums.CollectionOrdering.Matching);
        string report = await network.EveryoneSaysOneMessage("after resuming");
        await Assert.That(report).IsEmpty();
    }
}
