// A newcomer takes its first peer's history summary as its horizon: what each sender said up to there came before it
// joined, and is shown only as the history that peer replays. A hostile first peer can claim lines a member never said;
// every live line of that member up to the made-up horizon would then be dropped as already had, for as long as the
// member kept its node id. The member's own signed announcement says how far it got: a horizon above it is lowered, and
// the lines dropped meanwhile are repaired. Simulated time, exact and seeded.
using System.Net;
using P2PChat.Net;
using P2PChat.Net.Crypto;

namespace P2PChat.Tests.Simulation;

public class HorizonTests
{
    [Test]
    [Arguments(1)]
    [Arguments(2)]
    [Arguments(3)]
    public async Task A_first_peer_claiming_lines_a_member_never_said_silences_that_member_only_until_its_next_announcements(int seed)
    {
        var net = new SimNetwork(seed, null);
        List<NodeHost> nodes = SmallNetwork.Grow(net, 5);
        NodeHost speaker = nodes[1];
        for (int i = 0; i < 3; i++)
            speaker.Say($"before {i}");
        net.Events.RunUntil(net.Now + 1000);

        NodeHost newcomer = Newcomer(net, new NodeOptions("new"));
        var liar = new HorizonLiarHost(net, new IPEndPoint(new IPAddress([10, 0, 2, 1]), 7000), speaker.NodeId, claimed: 1_000_000);
        liar.Start(newcomer.EndPoint);
        net.Events.RunUntil(net.Now + 1000);
        await Assert.That(newcomer.Core.Flooding.Filter.Find(speaker.NodeId)?.Horizon).IsEqualTo(1_000_000UL)
            .Because("the liar's summary came first and set the newcomer's horizon");

        newcomer.Join(nodes[0].EndPoint);
        long joined = net.Now;
        net.Events.RunUntil(net.Now + 2000);
        // Three minutes of the member saying a line every 2 s: announcements come every ~12 s (6 members, 2 s each).
        for (int i = 0; i < 90; i++)
        {
            speaker.Say($"after {i}");
            net.Events.RunUntil(net.Now + 2000);
        }
        net.Events.RunUntil(net.Now + 30_000);

        var shown = newcomer.Shown.Select(l => l.Id).ToHashSet();
        var said = speaker.Said.Where(s => s.At > joined).Select(s => s.Id).ToList();
        int missing = said.Count(id => !shown.Contains(id));
        DuplicateFilter.OriginState? state = newcomer.Core.Flooding.Filter.Find(speaker.NodeId);
        string detail = $"{missing} of {said.Count} lines said after the join not shown; horizon now {state?.Horizon}, shown {state?.Shown}, " +
            $"horizons lowered {newcomer.Core.Flooding.HorizonsLowered}, lost reports {newcomer.LostReports.Count}";
        await Assert.That(missing).IsEqualTo(0).Because(detail);
        await Assert.That(newcomer.Core.Flooding.HorizonsLowered).IsEqualTo(1).Because(detail);
        await Assert.That(newcomer.Shown.Any(l => SaidBefore(speaker, l.Id))).IsFalse()
            .Because("lines said before the newcomer joined are still not shown as live (its history source, the liar, replayed none)");
        SimInvariants.Check(seed, [.. nodes, newcomer]); // in order, none twice, every loss reported, one network
    }

    [Test]
    [Arguments(1)]
    [Arguments(2)]
    [Arguments(3)]
    public async Task An_honest_first_peers_horizon_stands_though_the_roster_it_hands_over_is_older_than_the_lines_it_had(int seed)
    {
        var net = new SimNetwork(seed, null);
        List<NodeHost> nodes = SmallNetwork.Grow(net, 5);
        NodeHost speaker = nodes[1];
        // Lines said after the speaker's last announcement: the announcement the newcomer gets with the roster says
        // fewer lines than the horizon, and is no evidence against it.
        for (int i = 0; i < 5; i++)
        {
            speaker.Say($"before {i}");
            net.Events.RunUntil(net.Now + 20);
        }
        NodeHost newcomer = Newcomer(net, new NodeOptions("new") { History = 0 });
        newcomer.Join(nodes[0].EndPoint);
        net.Events.RunUntil(net.Now + 60_000);

        await Assert.That(newcomer.Core.Flooding.HorizonsLowered).IsEqualTo(0);
        await Assert.That(newcomer.Shown.Any(l => SaidBefore(speaker, l.Id))).IsFalse()
            .Because("the newcomer asked for no history");
        SimInvariants.Check(seed, [.. nodes, newcomer]);
    }

    /// <summary>A node that has not joined yet, with keys from the network's seed.</summary>
    private static NodeHost Newcomer(SimNetwork net, NodeOptions options) =>
        new(net, new IPEndPoint(new IPAddress([10, 0, 3, 1]), 7000), options,
            NodeKeys.Generate(new SeededRandomSource(new Random(net.Random.Next()))), 1);

    private static bool SaidBefore(NodeHost speaker, MessageId id) => speaker.SaidText.TryGetValue(id, out string? text) && text.StartsWith("before");
}
