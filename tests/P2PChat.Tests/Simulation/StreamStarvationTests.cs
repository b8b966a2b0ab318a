// A self-healed line of 8 (each node joined the one before it, then linked to more, as `--links 3` does) while its first
// node says a line every 2 ms: pruning leaves each node one relay path per sender, and two nodes can end up keeping
// each other, so neither gets that sender's lines until presence says it is behind and a repair (UNPRUNE and SYNC on
// every link) fetches them. The bench's stream run on real processes saw such stalls of 0.7-2 s, and once the same node
// starving again right after its repair: the next repair may only come 5 s later, by when a 1,000-line log at
// 500 lines/s had moved past the gap (414 lines lost for good). Simulated time, exact and seeded.
using System.Net;
using P2PChat.Net;
using P2PChat.Net.Crypto;

namespace P2PChat.Tests.Simulation;

public class StreamStarvationTests
{
    private const int Nodes = 8, Lines = 3000, EveryMs = 2;

    /// <summary>Worst time any node took to show one of the first node's lines, and how many lines some node never showed.</summary>
    private static (long WorstMs, int Missing, string Worst) Stream(int seed)
    {
        var net = new SimNetwork(seed, null);
        var nodes = new List<NodeHost>();
        for (int i = 0; i < Nodes; i++)
        {
            var host = new NodeHost(net, new IPEndPoint(new IPAddress([10, 0, 0, (byte)(i + 2)]), 7000),
                new NodeOptions($"n{i}"), NodeKeys.Generate(new SeededRandomSource(new Random(net.Random.Next()))),
                1 + net.Random.Next(3));
            if (i > 0)
                host.Join(nodes[i - 1].EndPoint);
            nodes.Add(host);
            net.Events.RunUntil(net.Now + 300);
        }
        net.Events.RunUntil(net.Now + 3000);
        long start = net.Now;
        for (int k = 0; k < Lines; k++)
            net.Events.At(start + k * EveryMs, () => nodes[0].Say("line"));
        net.Events.RunUntil(start + Lines * EveryMs + 30_000);

        var said = nodes[0].Said.ToDictionary(s => s.Id, s => s.At);
        long worst = 0;
        int missing = 0;
        string where = "";
        foreach (NodeHost node in nodes.Skip(1))
        {
            var shown = node.Shown.Where(s => said.ContainsKey(s.Id)).ToDictionary(s => s.Id, s => s.At);
            missing += said.Count - shown.Count;
            foreach ((MessageId id, long at) in shown)
                if (at - said[id] > worst)
                {
                    worst = at - said[id];
                    where = $"{node.Label} showed {id.Seq} after {worst} ms";
                }
        }
        return (worst, missing, where);
    }

    // Seeds 21 and 34 lost 3,680 and 1,102 lines (summed over the readers) before a node stopped pruning until its next
    // repair may come (Flooding.Tick); 6 and 14 stall longest now. Of seeds 1-40, 12 still stall 0.6-1.6 s: a starved
    // node learns it is behind only from its sender's next PRESENCE (an interval, 1 s here), then waits RepairAfterMs
    // and a tick. Faster would need word from the pruned relays (Plumtree's lazy push), which the protocol lacks.
    [Test]
    [Arguments(6)]
    [Arguments(14)]
    [Arguments(21)]
    [Arguments(34)]
    public async Task A_stream_through_a_self_healed_line_loses_nothing_and_stalls_at_most_one_repair(int seed)
    {
        (long worst, int missing, string where) = Stream(seed);
        await Assert.That(missing).IsEqualTo(0).Because(where);
        long bound = (long)new NodeOptions("x").PresenceInterval.TotalMilliseconds + Flooding.RepairAfterMs + 1000;
        await Assert.That(worst).IsLessThan(bound).Because(where);
    }
}
