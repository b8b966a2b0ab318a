// When a node asks a relay to stop relaying an origin (PRUNE): only once a duplicate has proved another path. A new
// line from a relay is never a reason, even from an origin the node also links to: lines said before that link
// opened come only by relays, and a relay that is behind would drop them on the PRUNE (a 300,000-line paste into a
// self-healed mesh of four lost 10-40% at two readers that way). One core on simulated time, real handshakes.
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

        // The origin's own copies are duplicates, but the origin is never pruned; then a relayed duplicate is.
        bench.Send(origin, Line(4));
        bench.Send(relay, Line(4));
        List<byte[]> prunes = bench.FramesOf(relay, tail, FrameType.Prune);
        await Assert.That(prunes.Count).IsEqualTo(1);
        await Assert.That(prunes[0].Length).IsEqualTo(Flooding.PruneFrameSize).Because("the origin's lines come straight from it: only they are pruned");
        await Assert.That(bench.Core.Flooding.Duplicates).IsEqualTo(1);
    }

    [Test]
    public async Task A_relayed_duplicate_of_a_sender_we_do_not_link_to_takes_that_relay_out_of_our_tree_but_never_the_last()
    {
        var bench = new DialBench(targetLinks: 0);
        var first = bench.Join(1, "first", 5001);
        var second = bench.Join(2, "second", 5002);
        NodeKeys far = bench.Keys(3);
        var tail1 = new List<byte>();
        var tail2 = new List<byte>();
        bench.FramesOf(first, tail1, FrameType.Prune);
        bench.FramesOf(second, tail2, FrameType.Prune);

        // Line 1 of a sender two hops away comes by both relays: the second copy asks that relay to relay us nothing.
        byte[] line1 = SecurePeer.Line(far, "far", 1, "one", bench.Now);
        bench.Send(first, line1);
        bench.Send(second, line1);
        List<byte[]> prunes = bench.FramesOf(second, tail2, FrameType.Prune);
        await Assert.That(prunes.Count).IsEqualTo(1);
        await Assert.That(prunes[0].Length).IsEqualTo(5).Because("a PRUNE without an origin: every sender but the relay itself");

        // The next line comes first by the pruned relay (the other path is slow): the other relay's copy is now the
        // duplicate, but it is the last link still in our tree, so it is not pruned.
        byte[] line2 = SecurePeer.Line(far, "far", 2, "two", bench.Now);
        bench.Send(second, line2);
        bench.Send(first, line2);
        await Assert.That(bench.FramesOf(first, tail1, FrameType.Prune).Count).IsEqualTo(0);
        await Assert.That(bench.Core.Flooding.Duplicates).IsEqualTo(2);
    }

    [Test]
    public async Task A_neighbour_that_left_our_tree_gets_no_relayed_lines_but_a_have_and_still_gets_our_own()
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
        await Assert.That(bench.FramesOf(pruner, tail, FrameType.Chat).Count).IsEqualTo(0).Because("it left our relay tree");
        Tick();
        await Assert.That(bench.FramesOf(pruner, tail, FrameType.Have).Count).IsEqualTo(1).Because("it is told what we hold back");

        bench.Fuzz.Input(core => core.Say("ours"u8, bench.Now, bench.Now));
        await Assert.That(bench.FramesOf(pruner, tail, FrameType.Chat).Count).IsEqualTo(1).Because("a node sends its own lines on every link");

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
