// Lazy push's HAVE on a link neither end relays a sender on (each pruned it at the other): both held back each of its
// lines, and both would say so. The end with the lower id says it on the first tick; the other waits a tick longer,
// and a HAVE that came meanwhile stands for its own (CoreLink.PeerHas). One core on simulated time, real handshakes.
using System.Buffers.Binary;
using P2PChat.Net;

namespace P2PChat.Tests;

public class HaveExchangeTests
{
    private static byte[] PruneFrame(ulong origin)
    {
        var frame = new byte[Protocol.LengthPrefixSize + 9];
        BinaryPrimitives.WriteUInt32BigEndian(frame, 9);
        frame[Protocol.LengthPrefixSize] = (byte)FrameType.Prune;
        BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(Protocol.LengthPrefixSize + 1), origin);
        return frame;
    }

    private static byte[] HaveFrame(ulong origin, ulong seq)
    {
        var frame = new byte[Protocol.LengthPrefixSize + 2 + 16];
        BinaryPrimitives.WriteUInt32BigEndian(frame, 2 + 16);
        frame[Protocol.LengthPrefixSize] = (byte)FrameType.Have;
        frame[Protocol.LengthPrefixSize + 1] = 1;
        BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(Protocol.LengthPrefixSize + 2), origin);
        BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(Protocol.LengthPrefixSize + 10), seq);
        return frame;
    }

    private sealed record Scene(DialBench Bench, (SecurePeer Peer, int Link) Author, (SecurePeer Peer, int Link) Lower,
        (SecurePeer Peer, int Link) Higher, List<byte> LowerTail, List<byte> HigherTail)
    {
        public ulong Origin => Author.Peer.Keys.NodeId;

        public void Say(ulong seq) => Bench.Send(Author, SecurePeer.Line(Author.Peer.Keys, "author", seq, $"line {seq}", Bench.Now));

        public void TickAfter(long ms)
        {
            Bench.Fuzz.Now += ms;
            Bench.Fuzz.Input(core => core.Tick(Bench.Now));
        }
    }

    /// <summary>A core linked to an author and to peers that each pruned the author (identities 2-7, joined until one
    /// has a lower id than the core and one a higher; the first seed that gives both), and the author's first line,
    /// which the core held back from them.</summary>
    private static Scene Setup()
    {
        for (int seed = 1; seed <= 50; seed++)
        {
            var bench = new DialBench(targetLinks: 0, seed: seed);
            var author = bench.Join(1, "author", 5001);
            (SecurePeer Peer, int Link)? lower = null, higher = null;
            for (int identity = 2; identity <= 7 && (lower is null || higher is null); identity++)
            {
                var peer = bench.Join(identity, $"p{identity}", (ushort)(5000 + identity));
                bench.Send(peer, PruneFrame(author.Peer.Keys.NodeId));
                if (peer.Peer.Keys.NodeId < bench.Core.NodeId)
                    lower ??= peer;
                else
                    higher ??= peer;
            }
            if (lower is null || higher is null)
                continue; // every peer fell on one side of the core's id: another seed
            var scene = new Scene(bench, author, lower.Value, higher.Value, [], []);
            bench.PastHistoryWait(author, scene.Lower, scene.Higher);
            bench.FramesSent(scene.Lower, scene.LowerTail, FrameType.Have);
            bench.FramesSent(scene.Higher, scene.HigherTail, FrameType.Have);
            scene.Say(1);
            return scene;
        }
        throw new InvalidOperationException("no seed gave peers on both sides of the core's id");
    }

    [Test]
    public async Task The_end_with_the_lower_id_says_its_HAVE_on_the_first_tick_and_the_other_a_tick_later()
    {
        Scene s = Setup();

        // Half a tick after the line: we are the higher end towards Lower, so it hears first from it, not from us.
        s.TickAfter(NodeCore.TickMs / 2);
        await Assert.That(s.Bench.FramesSent(s.Higher, s.HigherTail, FrameType.Have)).IsEqualTo(1);
        await Assert.That(s.Bench.FramesSent(s.Lower, s.LowerTail, FrameType.Have)).IsEqualTo(0);

        // A tick later nothing came from Lower: ours goes.
        s.TickAfter(NodeCore.TickMs);
        await Assert.That(s.Bench.FramesSent(s.Lower, s.LowerTail, FrameType.Have)).IsEqualTo(1);
        await Assert.That(s.Bench.FramesSent(s.Higher, s.HigherTail, FrameType.Have)).IsEqualTo(0);
    }

    [Test]
    public async Task A_HAVE_from_the_other_end_for_the_lines_we_held_back_stands_for_ours()
    {
        Scene s = Setup();

        s.Bench.Send(s.Lower, HaveFrame(s.Origin, 1));
        for (int i = 0; i < 4; i++)
            s.TickAfter(NodeCore.TickMs);

        await Assert.That(s.Bench.FramesSent(s.Lower, s.LowerTail, FrameType.Have)).IsEqualTo(0);
        await Assert.That(s.Bench.Core.Links.Find(s.Lower.Link)!.HasWithheld).IsFalse();
    }

    [Test]
    public async Task A_HAVE_naming_fewer_lines_than_we_held_back_does_not_stand_for_ours()
    {
        Scene s = Setup();

        s.Say(2);
        s.Bench.Send(s.Lower, HaveFrame(s.Origin, 1));
        s.TickAfter(NodeCore.TickMs);
        s.TickAfter(NodeCore.TickMs);

        List<byte[]> haves = s.Bench.FramesOf(s.Lower, s.LowerTail, FrameType.Have);
        await Assert.That(haves.Count).IsEqualTo(1);
        await Assert.That(BinaryPrimitives.ReadUInt64BigEndian(haves[0].AsSpan(Protocol.LengthPrefixSize + 10))).IsEqualTo(2UL);
    }
}
