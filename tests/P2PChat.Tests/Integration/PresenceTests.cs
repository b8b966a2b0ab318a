// Presence across the whole network, not only between neighbours: joins reach the far end of a line, a newcomer
// learns who is already online, a clean quit is seen everywhere at once, a hung peer is declared gone everywhere.
using P2PChat.Net;

namespace P2PChat.Tests.Integration;

[ParallelLimiter<IntegrationParallelLimit>]
public class PresenceTests
{
    private static readonly TimeSpan Presence = TimeSpan.FromSeconds(3);

    private static string Names(ChatNode node) => string.Join(",", node.Members().Select(m => m.Name));

    [Test]
    public async Task A_newcomer_at_one_end_of_a_line_is_announced_as_joined_at_the_other_end()
    {
        using TestNetwork network = TestNetwork.Start(4);
        await network.ConnectAll([(1, 0), (2, 1)]);
        await Eventually.WaitUntil(() => Names(network.Nodes[0]) == "n1,n2", Presence, "n0 to know n1 and n2", () => Names(network.Nodes[0]));

        await network.Connect(3, 2);

        await Eventually.WaitUntil(() => network.Sinks[0].Presence.Contains("+n3"), Presence, "n0 to be told n3 joined", network.ToString);
        await Assert.That(Names(network.Nodes[0])).IsEqualTo("n1,n2,n3");
        await Assert.That(network.Nodes[0].DirectPeerCount).IsEqualTo(1).Because("n0 learned of n3 without a link to it");
    }

    [Test]
    public async Task A_newcomer_is_told_who_is_already_online_not_that_they_just_joined()
    {
        using TestNetwork network = TestNetwork.Start(3);
        await network.ConnectAll([(1, 0)]);
        await Eventually.WaitUntil(() => Names(network.Nodes[1]) == "n0", Presence, "n1 to know n0");

        await network.Connect(2, 1);

        await Eventually.WaitUntil(() => Names(network.Nodes[2]) == "n0,n1", Presence, "n2 to know n0 and n1", network.ToString);
        // The roster changes at once; the user hears of it a moment later, from the event thread.
        await Eventually.WaitUntil(() => network.Sinks[2].Presence.Contains("~n0") && network.Sinks[0].Presence.Contains("+n2"), Presence,
            "n2 and n0 to be told", network.ToString);
        await Assert.That(network.Sinks[2].Presence).Contains("~n0").Because(network.Sinks[2].ToString());
        await Assert.That(network.Sinks[0].Presence).Contains("+n2").Because(network.Sinks[0].ToString());
    }

    [Test]
    public async Task A_clean_quit_is_seen_at_once_by_everyone_not_only_the_neighbours()
    {
        // Announcements every 30 s: only the BYE can tell n0 in time.
        using TestNetwork network = TestNetwork.Start(3, (_, o) => o with { PresenceInterval = TimeSpan.FromSeconds(30) });
        await network.ConnectAll([(1, 0), (2, 1)]);
        await Eventually.WaitUntil(() => Names(network.Nodes[0]) == "n1,n2", Presence, "n0 to know n2", () => Names(network.Nodes[0]));

        await network.Nodes[2].LeaveAsync();

        await Eventually.WaitUntil(() => network.Sinks[0].Presence.Contains("-n2 (quit)"), TestNetwork.Deadline, "n0 to see n2 quit", network.ToString);
        await Assert.That(Names(network.Nodes[0])).IsEqualTo("n1");
    }

    [Test]
    public async Task A_hung_peer_is_declared_gone_by_everyone_once_its_neighbours_suspicion_goes_unrefuted()
    {
        // Announcements every 10 minutes: only a neighbour's suspicion (its link to n2 silent for DeadAfter) can tell n0
        // in time. Self-healing on, so the resumed n2, whose links its neighbours closed, links again.
        using TestNetwork network = TestNetwork.Start(3, (_, o) => o with { PresenceInterval = TimeSpan.FromMinutes(10), TargetLinks = 2 });
        await network.ConnectAll([(1, 0), (2, 1)]);
        await Eventually.WaitUntil(() => Names(network.Nodes[0]) == "n1,n2", Presence, "n0 to know n2", () => Names(network.Nodes[0]));

        network.Nodes[2].Pause();

        TimeSpan bound = new NodeOptions("x").DeadAfter + TimeSpan.FromMilliseconds(Roster.SuspectMs) + Presence;
        await Eventually.WaitUntil(() => network.Sinks[0].Presence.Any(p => p.StartsWith("-n2 (not heard from", StringComparison.Ordinal)),
            bound, "n0 to declare the hung n2 gone", network.ToString);
        await Assert.That(Names(network.Nodes[0])).IsEqualTo("n1");

        network.Nodes[2].Resume();
        await Eventually.WaitUntil(() => Names(network.Nodes[0]) == "n1,n2", TestNetwork.Deadline, "n2 to be online again once resumed", network.ToString);
        await Eventually.WaitUntil(() => network.Sinks[0].Presence.Last() == "~n2", Presence, "n0 to be told n2 is back", network.ToString);
    }
}
