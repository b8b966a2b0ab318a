// Lazy push's HAVE on a link neither end relays a sender on (each pruned it at the other): both held back each of its
// lines, and both would say so. A HAVE that comes from the other end before our tick stands for ours
// (CoreLink.PeerHas). One core on simulated time, real handshakes.
using System.Buffers.Binary;
using P2PChat.Net;
using P2PChat.Tests.Fuzz;

namespace P2PChat.Tests;

public class HaveExchangeTests
{
    /// <summary>A core linked to an author and to a peer that pruned the author, past the history wait, and the
    /// author's first line, which the core held back from that peer.</summary>
    private sealed class Scene
    {
        public Scene()
        {
            Author = Bench.Join(1, "author", 5001);
            Peer = Bench.Join(2, "peer", 5002);
            Bench.Send(Peer, FrameGen.Prune(Origin));
            Bench.PastHistoryWait(Author, Peer);
            Bench.FramesSent(Peer, PeerTail, FrameType.Have);
            Say(1);
        }

        public DialBench Bench { get; } = new(targetLinks: 0);
        public (SecurePeer Peer, int Link) Author { get; }
        public (SecurePeer Peer, int Link) Peer { get; }
        public List<byte> PeerTail { get; } = [];
        public ulong Origin => Author.Peer.Keys.NodeId;

        public void Say(ulong seq) => Bench.Send(Author, SecurePeer.Line(Author.Peer.Keys, "author", seq, $"line {seq}", Bench.Now));

        public void Tick()
        {
            Bench.Fuzz.Now += NodeCore.TickMs;
            Bench.Fuzz.Input(core => core.Tick(Bench.Now));
        }

        public List<byte[]> HavesToPeer() => Bench.FramesOf(Peer, PeerTail, FrameType.Have);
    }

    [Test]
    public async Task A_line_held_back_from_a_peer_that_pruned_its_sender_is_told_in_a_HAVE_on_the_next_tick()
    {
        var s = new Scene();

        s.Tick();

        List<byte[]> haves = s.HavesToPeer();
        await Assert.That(haves.Count).IsEqualTo(1);
        await Assert.That(BinaryPrimitives.ReadUInt64BigEndian(haves[0].AsSpan(Protocol.LengthPrefixSize + 2))).IsEqualTo(s.Origin);
    }

    [Test]
    public async Task A_HAVE_from_the_other_end_for_the_lines_we_held_back_stands_for_ours()
    {
        var s = new Scene();

        s.Bench.Send(s.Peer, FrameGen.Have((s.Origin, 1)));
        for (int i = 0; i < 4; i++)
            s.Tick();

        await Assert.That(s.HavesToPeer().Count).IsEqualTo(0);
        await Assert.That(s.Bench.Core.Links.Find(s.Peer.Link)!.HasWithheld).IsFalse();
    }

    [Test]
    public async Task A_HAVE_naming_fewer_lines_than_we_held_back_does_not_stand_for_ours()
    {
        var s = new Scene();

        s.Say(2);
        s.Bench.Send(s.Peer, FrameGen.Have((s.Origin, 1)));
        s.Tick();

        List<byte[]> haves = s.HavesToPeer();
        await Assert.That(haves.Count).IsEqualTo(1);
        await Assert.That(BinaryPrimitives.ReadUInt64BigEndian(haves[0].AsSpan(Protocol.LengthPrefixSize + 10))).IsEqualTo(2UL);
    }
}
