// When a node takes a link out of the relay tree (PRUNE): only once a duplicate has proved another path, never its last
// link in the tree, and for both sides. A new line is never a reason, even from an origin the node also links to: lines
// said before that link opened come only by relays, and a relay that is behind would drop them on the PRUNE (a
// 300,000-line paste into a self-healed mesh of four lost 10-40% at two readers that way). One core on simulated
// time, real handshakes.
using P2PChat.Net;

namespace P2PChat.Tests;

public class PruneRuleTests
{
    /// <summary>The PRUNE frames the core sent <paramref name="peer"/> since the last call.</summary>
    private static int Prunes(DialBench bench, (SecurePeer Peer, int Link) peer, List<byte> tail) =>
        bench.FramesSent(peer, tail, FrameType.Prune);

    [Test]
    public async Task A_relay_bringing_new_lines_of_an_origin_we_also_link_to_is_not_pruned_until_it_brings_a_duplicate()
    {
        var bench = new DialBench(targetLinks: 0);
        var origin = bench.Join(1, "author", 5001);
        var relay = bench.Join(2, "relay", 5002);
        var tail = new List<byte>();
        Prunes(bench, relay, tail);
        byte[] Line(ulong seq) => SecurePeer.Line(origin.Peer.Keys, "author", seq, $"line {seq}", bench.Now);

        // Lines 1-3 come first by the relay (said before our direct link carried them): new, so no PRUNE.
        for (ulong seq = 1; seq <= 3; seq++)
            bench.Send(relay, Line(seq));
        await Assert.That(Prunes(bench, relay, tail)).IsEqualTo(0);

        // Then the origin's copy comes first and the relay's is a duplicate: that link leaves the tree.
        bench.Send(origin, Line(4));
        bench.Send(relay, Line(4));
        await Assert.That(Prunes(bench, relay, tail)).IsEqualTo(1);
        await Assert.That(bench.Core.Flooding.Duplicates).IsEqualTo(1);
    }

    [Test]
    public async Task The_last_link_in_the_tree_is_never_pruned()
    {
        var bench = new DialBench(targetLinks: 0);
        var first = bench.Join(1, "first", 5001);
        var second = bench.Join(2, "second", 5002);
        NodeKeys far = bench.Keys(3);
        var tail1 = new List<byte>();
        var tail2 = new List<byte>();
        Prunes(bench, first, tail1);
        Prunes(bench, second, tail2);

        // Line 1 of a sender two hops away comes by both links: the second copy takes that link out of the tree.
        byte[] line1 = SecurePeer.Line(far, "far", 1, "one", bench.Now);
        bench.Send(first, line1);
        bench.Send(second, line1);
        await Assert.That(Prunes(bench, second, tail2)).IsEqualTo(1);

        // The next line comes first by the pruned link (its peer had not read the PRUNE yet): the other link's copy is
        // now the duplicate, but it is the last link in the tree, so it stays.
        byte[] line2 = SecurePeer.Line(far, "far", 2, "two", bench.Now);
        bench.Send(second, line2);
        bench.Send(first, line2);
        await Assert.That(Prunes(bench, first, tail1)).IsEqualTo(0);
        await Assert.That(bench.Core.Flooding.Duplicates).IsEqualTo(2);
    }

    [Test]
    public async Task A_prune_of_our_last_link_in_the_tree_is_refused_and_lines_still_come_on_it()
    {
        var bench = new DialBench(targetLinks: 0);
        var first = bench.Join(1, "first", 5001);
        var second = bench.Join(2, "second", 5002);
        var tail1 = new List<byte>();
        var tail2 = new List<byte>();
        bench.FramesOf(first, tail1, FrameType.Unprune);
        bench.FramesOf(second, tail2, FrameType.Unprune);
        byte[] prune = [0, 0, 0, 1, (byte)FrameType.Prune];

        bench.Send(first, prune); // taken: the second link is still in the tree
        await Assert.That(bench.FramesOf(first, tail1, FrameType.Unprune).Count).IsEqualTo(0);
        bench.Send(second, prune); // refused: it is our last
        await Assert.That(bench.FramesOf(second, tail2, FrameType.Unprune).Count).IsEqualTo(1);

        bench.Fuzz.Input(core => core.Say("still here"u8, bench.Now, bench.Now));
        await Assert.That(bench.FramesOf(second, tail2, FrameType.Chat).Count).IsEqualTo(1);
        await Assert.That(bench.FramesOf(first, tail1, FrameType.Chat).Count).IsEqualTo(0);
    }

    [Test]
    public async Task A_neighbour_out_of_the_tree_gets_no_lines_but_a_have_of_each_until_it_pulls()
    {
        var bench = new DialBench(targetLinks: 0);
        var pruner = bench.Join(1, "pruner", 5001);
        var relay = bench.Join(2, "relay", 5002);
        var tail = new List<byte>();
        bench.Send(pruner, [0, 0, 0, 1, (byte)FrameType.Prune]);
        NodeKeys far = bench.Keys(3);
        // The first line waits for history (none comes here); both neighbours stay alive meanwhile.
        bench.Send(relay, SecurePeer.Line(far, "far", 1, "first", bench.Now));
        for (long until = bench.Now + DeliveryOrder.HistoryWaitMs + 1000; bench.Now < until;)
            Tick();
        await Assert.That(bench.Fuzz.Effects.Shown.Count).IsEqualTo(1);
        bench.FramesOf(pruner, tail, FrameType.Chat);

        bench.Send(relay, SecurePeer.Line(far, "far", 2, "second", bench.Now));
        await Assert.That(bench.Fuzz.Effects.Shown.Count).IsEqualTo(2);
        bench.Fuzz.Input(core => core.Say("ours"u8, bench.Now, bench.Now));
        await Assert.That(bench.FramesOf(pruner, tail, FrameType.Chat).Count).IsEqualTo(0).Because("the link is out of the tree, for our own lines too");
        Tick();
        List<byte[]> haves = bench.FramesOf(pruner, tail, FrameType.Have);
        await Assert.That(haves.Count).IsEqualTo(1);
        await Assert.That((int)haves[0][5]).IsEqualTo(2).Because("one entry for the relayed sender, one for us");

        // It pulls (UNPRUNE): the link is back in the tree, and our next line goes to it.
        bench.Send(pruner, [0, 0, 0, 1, (byte)FrameType.Unprune]);
        bench.Fuzz.Input(core => core.Say("again"u8, bench.Now, bench.Now));
        await Assert.That(bench.FramesOf(pruner, tail, FrameType.Chat).Count).IsEqualTo(1);

        // A tick whose frames we read (DialBench.RunUntil discards them unread); both neighbours stay alive.
        void Tick()
        {
            bench.Send(pruner, DialBench.Ping);
            bench.Send(relay, DialBench.Ping);
            bench.Fuzz.Now += DialBench.TickMs;
            bench.Fuzz.Input(core => core.Tick(bench.Now));
        }
    }
}
