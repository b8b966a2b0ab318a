// Fault tolerance in-process: a killed peer in the middle of a line, a hung peer, messages said while alone, history
// for newcomers, and a partition that heals. Nodes here run with short heartbeats so the tests stay fast.
using P2PChat.Net;

namespace P2PChat.Tests.Integration;

[ParallelLimiter<IntegrationParallelLimit>]
public class SelfHealingTests
{
    private static readonly TimeSpan Heal = TimeSpan.FromSeconds(5);

    private static NodeOptions Fast(NodeOptions options) => TestNetwork.Fast(options);

    [Test]
    public async Task Survivors_of_a_line_of_five_chat_again_after_the_middle_node_dies()
    {
        using TestNetwork network = TestNetwork.Start(5, (_, o) => Fast(o));
        for (int i = 1; i < 5; i++)
            await network.Connect(i, i - 1);

        // Let peer exchange run once (as it does within 250 ms of any change in a live network): n1 and n3 learn
        // each other's addresses from n2.
        await Eventually.WaitUntil(() => network.Nodes[1].KnownAddressCount >= 3 && network.Nodes[3].KnownAddressCount >= 3,
            TestNetwork.Deadline, "addresses to spread", () => $"n1 knows {network.Nodes[1].KnownAddressCount}, n3 knows {network.Nodes[3].KnownAddressCount}");
        network.Nodes[2].Dispose();

        int[] survivors = [0, 1, 3, 4];
        await Eventually.WaitUntil(() => ReachableFrom(network, 0, survivors) == survivors.Length, Heal,
            "the survivors to form one connected network again", () => $"reachable from n0: {ReachableFrom(network, 0, survivors)}");
        string report = await network.EveryoneSaysOneMessage("after the crash", survivors, survivors);
        await Assert.That(report).IsEmpty();
    }

    [Test]
    public async Task A_peer_that_goes_silent_is_declared_dead_within_the_heartbeat_timeout()
    {
        using TestNetwork network = TestNetwork.Start(1, (_, o) => Fast(o));
        using RawPeer raw = await RawPeer.ConnectAsync(network.Nodes[0].ListenEndPoint);
        await raw.HandshakeAsync("zombie");
        await Eventually.WaitUntil(() => network.Sinks[0].Joined.Contains("zombie"), TestNetwork.Deadline, "the raw peer to join");

        // The raw peer never sends again (a SIGSTOPped or unplugged peer looks exactly like this).
        await Eventually.WaitUntil(() => network.Sinks[0].Left.Any(l => l.Contains("no sign of life")), TimeSpan.FromSeconds(2),
            "the silent peer to be declared dead", () => string.Join(", ", network.Sinks[0].Left));
    }

    [Test]
    public async Task A_message_said_with_no_link_at_all_is_delivered_once_a_link_exists()
    {
        using TestNetwork network = TestNetwork.Start(2, (_, o) => Fast(o));
        network.Nodes[0].Say("said alone", TestNetwork.Now);
        await network.Connect(1, 0);

        await Eventually.WaitUntil(() => network.Sinks[1].CountOf("n0: said alone") == 1, TestNetwork.Deadline,
            "the message said while alone to arrive", () => string.Join(" | ", network.Sinks[1].Messages));
        await Eventually.WaitUntilStable(() => network.Sinks[1].MessageCount, TimeSpan.FromMilliseconds(200), TestNetwork.Deadline, "messages");
        await Assert.That(network.Sinks[1].CountOf("n0: said alone")).IsEqualTo(1);
    }

    [Test]
    public async Task A_newcomer_sees_the_last_messages_as_history_in_order()
    {
        using TestNetwork network = TestNetwork.Start(3, (i, o) => Fast(o) with { History = i == 2 ? 3 : 50 });
        await network.Connect(1, 0);
        for (int m = 1; m <= 5; m++)
            network.Nodes[0].Say($"m{m}", TestNetwork.Now);
        await Eventually.WaitUntil(() => network.Sinks[1].MessageCount == 5, TestNetwork.Deadline, "n1 to have all five");

        await network.Connect(2, 0);

        await Eventually.WaitUntil(() => network.Sinks[2].MessageCount >= 3, TestNetwork.Deadline, "history at the newcomer");
        await Eventually.WaitUntilStable(() => network.Sinks[2].MessageCount, TimeSpan.FromMilliseconds(300), TestNetwork.Deadline, "messages");
        await Assert.That(network.Sinks[2].Messages).IsEquivalentTo(new[] { "n0: m3", "n0: m4", "n0: m5" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(network.Sinks[2].HistoryCount).IsEqualTo(3);
    }

    [Test]
    public async Task After_a_partition_heals_both_sides_get_what_the_other_said_exactly_once_in_order()
    {
        // Two pairs joined by one link: {n0, n1} - {n2, n3}. No self-healing, so the cut stays cut until we rejoin. The
        // cut closes the link at once, so nothing here waits for a death by silence: a longer DeadAfter keeps a test
        // process stalled for 0.4 s under a full suite from cutting every link (seen once).
        using TestNetwork network = TestNetwork.Start(4, (_, o) => Fast(o) with { TargetLinks = 0, DeadAfter = TimeSpan.FromSeconds(3) });
        await network.Connect(1, 0);
        await network.Connect(3, 2);
        await network.Connect(2, 1);
        await Eventually.WaitUntil(() => network.Nodes[1].DirectPeerCount == 2 && network.Nodes[2].DirectPeerCount == 2,
            TestNetwork.Deadline, "the bridge link to be open at both ends");

        network.Nodes[1].CutLinksTo(network.Nodes[2].NodeId);
        await Eventually.WaitUntil(() => network.Nodes[1].DirectPeerCount == 1 && network.Nodes[2].DirectPeerCount == 1,
            TestNetwork.Deadline, "both ends to see the cut");

        for (int m = 1; m <= 3; m++)
        {
            network.Nodes[0].Say($"left {m}", TestNetwork.Now);
            network.Nodes[3].Say($"right {m}", TestNetwork.Now);
        }
        await Eventually.WaitUntil(() => network.Sinks[1].MessageCount == 3 && network.Sinks[2].MessageCount == 3,
            TestNetwork.Deadline, "each side to hear its own side", () => network.ToString());

        await network.Connect(2, 1); // the heal

        string[] left = ["n0: left 1", "n0: left 2", "n0: left 3"];
        string[] right = ["n3: right 1", "n3: right 2", "n3: right 3"];
        int[] expected = [3, 6, 6, 3];
        await Eventually.WaitUntil(() => Enumerable.Range(0, 4).All(i => network.Sinks[i].MessageCount == expected[i]),
            TestNetwork.Deadline, "the sides to catch up", () => network.ToString());
        await Eventually.WaitUntilStable(() => string.Join(",", network.Sinks.Select(s => s.MessageCount)), TimeSpan.FromMilliseconds(300),
            TestNetwork.Deadline, "message counts");
        foreach (int i in new[] { 0, 1 })
            await Assert.That(network.Sinks[i].Messages.Where(m => m.StartsWith("n3")).ToArray()).IsEquivalentTo(right, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        foreach (int i in new[] { 2, 3 })
            await Assert.That(network.Sinks[i].Messages.Where(m => m.StartsWith("n0")).ToArray()).IsEquivalentTo(left, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(network.Sinks[0].MessageCount).IsEqualTo(3).Because("n0 hears only n3's three; its own never come back");
    }

    /// <summary>How many of <paramref name="alive"/> node <paramref name="start"/> reaches over open links.</summary>
    private static int ReachableFrom(TestNetwork network, int start, int[] alive)
    {
        var seen = new HashSet<ulong> { network.Nodes[start].NodeId };
        var queue = new Queue<int>([start]);
        while (queue.Count > 0)
        {
            int at = queue.Dequeue();
            foreach (PeerInfo peer in network.Nodes[at].DirectPeers())
            {
                int index = alive.FirstOrDefault(i => network.Nodes[i].NodeId == peer.NodeId, -1);
                if (index >= 0 && seen.Add(peer.NodeId))
                    queue.Enqueue(index);
            }
        }
        return seen.Count;
    }
}
