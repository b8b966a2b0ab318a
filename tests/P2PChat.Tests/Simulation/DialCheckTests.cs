// A node below its link target with no address left to dial (a network smaller than the target, or every known address
// linked or backing off) does not tick four times a second for it: it looks again on its idle tick, or at once when it
// learns an address or a link opens or closes (Membership's dial check). Simulated time, exact and seeded.
using System.Net;
using P2PChat.Net;
using P2PChat.Net.Crypto;

namespace P2PChat.Tests.Simulation;

public class DialCheckTests
{
    [Test]
    [Arguments(1)]
    [Arguments(2)]
    public async Task An_idle_network_smaller_than_the_link_target_ticks_about_once_a_second_not_four_times(int seed)
    {
        var net = new SimNetwork(seed, null);
        List<NodeHost> nodes = SmallNetwork.Grow(net, 3); // the default target is 3 links: each can have only 2
        net.Events.RunUntil(net.Now + 30_000);
        long[] before = [.. nodes.Select(n => n.Ticks)];
        net.Events.RunUntil(net.Now + 60_000);
        double[] perSecond = [.. nodes.Select((n, i) => (n.Ticks - before[i]) / 60.0)];
        string detail = "ticks a node and second: " + string.Join(", ", perSecond.Select(t => t.ToString("F2")));
        await Assert.That(nodes.All(n => n.Core.DirectPeerCount == 2)).IsTrue().Because(detail);
        await Assert.That(perSecond.Max()).IsLessThanOrEqualTo(1.25).Because(detail + " (an idle node ticks about once a second; 4 while a dial below the target kept the timer busy)");
    }

    [Test]
    [Arguments(1)]
    [Arguments(2)]
    public async Task Nodes_below_their_target_with_nothing_to_dial_link_to_a_newcomer_they_hear_of_within_a_second(int seed)
    {
        var net = new SimNetwork(seed, null);
        List<NodeHost> nodes = SmallNetwork.Grow(net, 3);
        net.Events.RunUntil(net.Now + 30_000); // long past any dial: each looks again only on its idle tick
        NodeKeys key = NodeKeys.Generate(new SeededRandomSource(new Random(net.Random.Next())));
        var newcomer = new NodeHost(net, new IPEndPoint(new IPAddress([10, 0, 1, 9]), 7000), new NodeOptions("new"), key, 1);
        newcomer.Join(nodes[0].EndPoint);
        long joined = net.Now;
        long allLinked = -1;
        while (net.Now < joined + 5_000 && allLinked < 0)
        {
            net.Events.RunUntil(net.Now + 10);
            if (nodes.All(n => n.Core.Links.IsLinkedTo(newcomer.NodeId)))
                allLinked = net.Now - joined;
        }
        await Assert.That(allLinked).IsGreaterThanOrEqualTo(0).Because("each of the three was one link short of its target");
        await Assert.That(allLinked).IsLessThanOrEqualTo(1_000).Because($"all linked to the newcomer {allLinked} ms after it joined");
    }
}
