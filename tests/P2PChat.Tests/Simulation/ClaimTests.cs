// A member's announcement says how many lines it has said (lastSeq), and a node behind that asks its links for the
// rest (a repair: UNPRUNE and SYNC on every link), then links to the sender itself, then drops the claim as unmet.
// A member that claims lines nobody has, announcement after announcement, must not keep every node repairing:
// dropped claims are not taken up again for a while, longer each time. Simulated time, exact and seeded.
using System.Net;

namespace P2PChat.Tests.Simulation;

public class ClaimTests
{
    [Test]
    [Arguments(1)]
    [Arguments(2)]
    public async Task A_member_claiming_lines_nobody_has_in_every_announcement_costs_each_node_a_few_repairs_not_one_every_interval(int seed)
    {
        var net = new SimNetwork(seed, null);
        List<NodeHost> nodes = SmallNetwork.Grow(net, 8);
        var liar = new LiarHost(net, new IPEndPoint(new IPAddress([10, 0, 2, 1]), 7000));
        liar.Start(nodes[0].EndPoint);
        net.Events.RunUntil(net.Now + 5000);
        await Assert.That(nodes.All(n => n.Core.Flooding.Filter.Find(liar.NodeId) is not null)).IsTrue()
            .Because("every node has the liar's one line");
        long before = nodes.Sum(n => n.Core.Flooding.Repairs);

        net.Events.RunUntil(net.Now + 10 * 60_000); // ten minutes of an announcement every 2 s, each claiming more

        long[] repairs = [.. nodes.Select(n => n.Core.Flooding.Repairs)];
        string detail = $"repairs per node in ten minutes: {string.Join(", ", repairs)} (before the liar: {before} in all)";
        // Each drop waits 10 s, 20 s, 40 s, ... before a claim is taken up again, and a claim costs at most three
        // repairs (one, then two after dialling the sender): about 6 rounds in ten minutes, not a repair every 5 s (120).
        await Assert.That(repairs.Max()).IsLessThanOrEqualTo(24).Because(detail);
    }
}
