// A direct link to a sender, opened in the middle of its flood, brings its new lines at once, while the lines said
// before it come by a relay that is behind. Read on, those new lines filled the 1,024 places for held lines, the gap
// was given up, and the relay's lines were dropped as late when they came. The core must stop reading the link that
// runs ahead until the relay has filled the gap, and must not prune the relay while the gap is open. One core on
// simulated time (DialBench), peers joined through the real handshake.
using System.Text;
using P2PChat.Net;

namespace P2PChat.Tests;

public class RunAheadTests
{
    /// <summary>Lines <paramref name="from"/>..<paramref name="to"/> of <paramref name="author"/>, 128 to a signature, as
    /// one stream of frames.</summary>
    private static byte[] Lines(NodeKeys author, int from, int to)
    {
        var frames = new List<byte>();
        var frame = new byte[Protocol.MaxFrameSize + 64];
        byte[] name = Encoding.UTF8.GetBytes("flood");
        for (int first = from; first <= to; first += Protocol.MaxBatchLines)
        {
            var signer = new LineSigner(author, new SelfName(name));
            int count = Math.Min(Protocol.MaxBatchLines, to - first + 1);
            for (int i = 0; i < count; i++)
                signer.Add(new MessageId(author.NodeId, (ulong)(first + i)), TestNetwork.Now, Encoding.ASCII.GetBytes($"flood {first + i}"));
            signer.Sign();
            for (int i = 0; i < count; i++)
                frames.AddRange(frame[..signer.WriteFrame(i, frame, out _)]);
        }
        return [.. frames];
    }

    private static int ShownOf(DialBench bench, NodeKeys author) => bench.Fuzz.Effects.Shown.Count(id => id.Origin == author.NodeId);

    [Test]
    public async Task A_direct_link_that_runs_ahead_of_the_relay_waits_until_the_relay_fills_the_gap_and_nothing_is_lost()
    {
        var bench = new DialBench(targetLinks: 0);
        var relay = bench.Join(1, "relay", 5001);
        var direct = bench.Join(2, "flood", 5002);
        NodeKeys origin = direct.Peer.Keys;
        bench.PastHistoryWait(relay, direct);
        bench.Send(relay, Lines(origin, 1, 10)); // the relay brings the origin's first lines
        await Assert.That(ShownOf(bench, origin)).IsEqualTo(10);

        // The origin floods on over its direct link: 1,100 lines from 311, past the 1,024 places for held lines.
        byte[] ahead = DialBench.Records(direct.Peer, Lines(origin, 311, 1410));
        int consumed = bench.Receive(direct.Link, ahead);
        await Assert.That(consumed).IsLessThan(ahead.Length);
        await Assert.That(bench.Core.StoppedAhead).IsGreaterThan(0);
        await Assert.That(bench.Core.ReadableAt(direct.Link, bench.Now)).IsGreaterThan(bench.Now);
        await Assert.That(bench.Core.Flooding.Order.HeldCount).IsLessThan(DeliveryOrder.MaxHeld / 2);

        // The relay catches up (its copies of what the direct link brought are duplicates: it is not pruned while the
        // gap is open, or it would drop the rest); then the direct link is read on.
        bench.Send(relay, Lines(origin, 11, 310));
        await Assert.That(bench.Core.ReadableAt(direct.Link, bench.Now)).IsEqualTo(bench.Now);
        await Assert.That(bench.Receive(direct.Link, ahead[consumed..])).IsEqualTo(ahead.Length - consumed);

        await Assert.That(ShownOf(bench, origin)).IsEqualTo(1410);
        await Assert.That(bench.Core.Flooding.Order.GapsSkipped).IsEqualTo(0);
        List<ulong> order = bench.Fuzz.Effects.Shown.Where(id => id.Origin == origin.NodeId).Select(id => id.Seq).ToList();
        await Assert.That(order).IsEquivalentTo(Enumerable.Range(1, 1410).Select(i => (ulong)i), TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task A_relay_is_not_pruned_on_a_duplicate_while_a_gap_of_that_sender_is_open()
    {
        var bench = new DialBench(targetLinks: 0);
        var fast = bench.Join(1, "fast", 5001);
        var slow = bench.Join(3, "slow", 5003);
        var direct = bench.Join(2, "flood", 5002);
        NodeKeys origin = direct.Peer.Keys;
        var tail = new List<byte>();
        bench.PastHistoryWait(fast, slow, direct);
        bench.FramesSent(slow, tail, FrameType.Prune);

        bench.Send(fast, Lines(origin, 1, 20));
        bench.Send(direct, Lines(origin, 31, 40)); // held: 21..30 are missing
        bench.Send(slow, Lines(origin, 1, 5)); // copies, but the slow relay still owes us 21..30 after them
        await Assert.That(bench.FramesSent(slow, tail, FrameType.Prune)).IsEqualTo(0);

        bench.Send(slow, Lines(origin, 6, 30)); // it fills the gap
        await Assert.That(ShownOf(bench, origin)).IsEqualTo(40);
        bench.Send(slow, Lines(origin, 31, 32)); // no gap now: a copy prunes it
        await Assert.That(bench.FramesSent(slow, tail, FrameType.Prune)).IsEqualTo(1);
    }
}
