// The active view's bound (Membership.ActiveView.cs): in a room where everyone joins through one host, that host asks
// its newest peers to go elsewhere once it is past MaxActive links (BUSY), and they drop the link only when they have
// enough others. Nobody is reported gone, nobody suspects anyone, and every line still reaches everyone.
// Simulated time, exact and seeded.
using System.Net;
using P2PChat.Net;
using P2PChat.Net.Crypto;

namespace P2PChat.Tests.Simulation;

public class ActiveViewTests
{
    /// <summary><paramref name="count"/> nodes that all join the first, one every 50 ms (a lab typing one address).</summary>
    private static (SimNetwork Net, List<NodeHost> Nodes) Lab(int seed, int count, NodeOptions options)
    {
        var net = new SimNetwork(seed, null);
        var nodes = new List<NodeHost>();
        for (int i = 0; i < count; i++)
        {
            NodeKeys keys = NodeKeys.Generate(new SeededRandomSource(new Random(net.Random.Next())));
            var host = new NodeHost(net, new IPEndPoint(new IPAddress([10, 0, (byte)(1 + i / 200), (byte)(2 + i % 200)]), 7000),
                options with { Name = $"m{i}" }, keys, 1 + net.Random.Next(5));
            if (i > 0)
                host.Join(nodes[0].EndPoint);
            nodes.Add(host);
            net.Events.RunUntil(net.Now + 50);
        }
        net.Events.RunUntil(net.Now + 10_000);
        return (net, nodes);
    }

    [Test]
    [Arguments(1)]
    [Arguments(2)]
    public async Task A_host_everyone_joins_through_keeps_its_active_view_and_nobody_is_reported_gone(int seed)
    {
        (SimNetwork net, List<NodeHost> nodes) = Lab(seed, 80, new NodeOptions("x"));
        NodeHost host = nodes[0];
        int bound = host.Core.Membership.MaxActive;
        string degrees = string.Join(",", nodes.Select(n => n.Core.DirectPeerCount));
        await Assert.That(host.Core.Links.Open.Length).IsLessThanOrEqualTo(bound).Because($"links per node: {degrees}");
        await Assert.That(nodes.Max(n => n.Core.Links.Open.Length)).IsLessThanOrEqualTo(bound).Because("those it sent on kept theirs too");
        await Assert.That(host.Core.Membership.BusySent).IsGreaterThanOrEqualTo(80 - 1 - bound);
        await Assert.That(nodes.Sum(n => n.Core.Membership.Shed)).IsGreaterThanOrEqualTo(80 - 1 - bound);
        await Assert.That(nodes.All(n => n.Core.DirectPeerCount >= n.Core.Options.TargetLinks)).IsTrue()
            .Because("a peer asked to go keeps the link until it has enough others");
        await Assert.That(nodes.All(n => n.Core.Presence.Members().Count == 79)).IsTrue();
        await Assert.That(nodes.Sum(n => n.MembersLeft)).IsEqualTo(0);
        await Assert.That(nodes.Sum(n => n.Core.Presence.Refuted)).IsEqualTo(0).Because("nobody suspected anyone");

        NodeHost speaker = nodes[net.Random.Next(nodes.Count)];
        speaker.Say("after the lab settled");
        net.Events.RunUntil(net.Now + 2000);
        await Assert.That(nodes.Count(n => n != speaker && n.Shown.Any(s => s.Text == "after the lab settled"))).IsEqualTo(79);
    }

    [Test]
    public async Task Without_self_healing_a_host_keeps_every_link_users_made()
    {
        (_, List<NodeHost> nodes) = Lab(3, 40, new NodeOptions("x") { TargetLinks = 0 });
        await Assert.That(nodes[0].Core.Links.Open.Length).IsEqualTo(39);
        await Assert.That(nodes[0].Core.Membership.BusySent).IsEqualTo(0);
    }
}
