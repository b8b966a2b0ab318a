// Pruning: a mesh stops carrying each message once per path. In a triangle every relayed copy is a duplicate; after
// the first few messages the neighbours have asked each other to stop relaying, and later messages arrive once each.
// After a link is lost, everything is relayed again and nothing said meanwhile is missed.
using P2PChat.Net;

namespace P2PChat.Tests.Integration;

[ParallelLimiter<IntegrationParallelLimit>]
public class PruningTests
{
    [Test]
    public async Task In_a_triangle_duplicates_stop_after_the_first_messages()
    {
        using TestNetwork network = TestNetwork.Start(3);
        await network.ConnectAll([(1, 0), (2, 1), (2, 0)]);
        // Warm-up: the first duplicates make the prunes; on a loaded host a prune may still be in flight when the next
        // round's lines cross it (a full run once counted 6 duplicates after one warm-up round). Until a round is clean.
        long before = 0;
        for (int round = 0; round < 10; round++)
        {
            long previous = network.Nodes.Sum(n => n.DuplicatesReceived);
            await Assert.That(await network.EveryoneSaysOneMessage($"warm-up {round}")).IsEmpty();
            before = network.Nodes.Sum(n => n.DuplicatesReceived);
            if (round > 0 && before == previous)
                break;
        }

        for (int round = 0; round < 20; round++)
            await Assert.That(await network.EveryoneSaysOneMessage($"round {round}")).IsEmpty();

        long during = network.Nodes.Sum(n => n.DuplicatesReceived) - before;
        await Assert.That(during).IsLessThan(6).Because($"60 messages crossed the triangle; unpruned, each would arrive twice at every node ({during} duplicates)");
    }

    [Test]
    public async Task After_a_link_of_a_pruned_mesh_is_cut_every_message_still_arrives_exactly_once()
    {
        using TestNetwork network = TestNetwork.Start(4);
        await network.ConnectAll([(1, 0), (2, 1), (3, 2), (3, 0), (2, 0)]); // a ring of 4 with a chord
        for (int round = 0; round < 5; round++)
            await Assert.That(await network.EveryoneSaysOneMessage($"before {round}")).IsEmpty();

        network.Nodes[0].CutLinksTo(network.Nodes[2].NodeId);
        await Eventually.WaitUntil(() => network.Nodes[0].DirectPeerCount == 2 && network.Nodes[2].DirectPeerCount == 2,
            TestNetwork.Deadline, "the chord to be gone at both ends");

        for (int round = 0; round < 5; round++)
            await Assert.That(await network.EveryoneSaysOneMessage($"after {round}")).IsEmpty();
    }
}
