// Lazy push's HAVE: when it goes (within a heartbeat interval, in place of the link's ping if that falls due first, on
// the next tick after a burst), and on a link neither end relays a sender on (each pruned it at the other), where both
// held back each of its lines and both would say so: a HAVE that comes from the other end first stands for ours
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
        /// <param name="withOther">Also a third peer, whose lines nobody pruned: the core relays them to the peer.</param>
        public Scene(bool withOther = false)
        {
            Author = Bench.Join(1, "author", 5001);
            Peer = Bench.Join(2, "peer", 5002);
            Bench.Send(Peer, FrameGen.Prune(Origin));
            if (withOther)
                Other = Bench.Join(3, "other", 5003);
            Bench.PastHistoryWait(Other is { } other ? [Author, Peer, other] : [Author, Peer]);
            Bench.FramesSent(Peer, PeerTail, FrameType.Have);
            Say(1);
        }

        public DialBench Bench { get; } = new(targetLinks: 0);
        public (SecurePeer Peer, int Link) Author { get; }
        public (SecurePeer Peer, int Link) Peer { get; }
        public (SecurePeer Peer, int Link)? Other { get; }
        public List<byte> PeerTail { get; } = [];
        public ulong Origin => Author.Peer.Keys.NodeId;

        public void Say(ulong seq) => Bench.Send(Author, SecurePeer.Line(Author.Peer.Keys, "author", seq, $"line {seq}", Bench.Now));

        public void OtherSays(ulong seq) => Bench.Send(Other!.Value, SecurePeer.Line(Other.Value.Peer.Keys, "other", seq, $"other {seq}", Bench.Now));

        public void Tick()
        {
            Bench.Fuzz.Now += NodeCore.TickMs;
            Bench.Fuzz.Input(core => core.Tick(Bench.Now));
        }

        public List<byte[]> HavesToPeer() => Bench.FramesOf(Peer, PeerTail, FrameType.Have);
    }

    [Test]
    public async Task A_line_held_back_from_a_peer_that_pruned_its_sender_is_told_in_a_HAVE_within_a_heartbeat_interval()
    {
        var s = new Scene();

        s.Tick();
        int early = s.HavesToPeer().Count;
        for (long waited = NodeCore.TickMs; waited < Flooding.HaveDelayMs; waited += NodeCore.TickMs)
            s.Tick();

        List<byte[]> haves = s.HavesToPeer();
        await Assert.That(early).IsEqualTo(0);
        await Assert.That(haves.Count).IsEqualTo(1);
        await Assert.That(BinaryPrimitives.ReadUInt64BigEndian(haves[0].AsSpan(Protocol.LengthPrefixSize + 2))).IsEqualTo(s.Origin);
    }

    [Test]
    public async Task On_a_link_that_carries_other_lines_the_HAVE_goes_at_its_deadline_and_not_before()
    {
        var s = new Scene(withOther: true);

        int early = 0, relayed = 0;
        ulong seq = 1;
        for (long waited = NodeCore.TickMs; waited < Flooding.HaveDelayMs; waited += NodeCore.TickMs)
        {
            s.OtherSays(seq++); // the link to the peer carries something every tick: its ping never falls due
            s.Tick();
            List<byte[]> sent = s.Bench.FramesOf(s.Peer, s.PeerTail);
            early += sent.Count(f => f[4] == (byte)FrameType.Have);
            relayed += sent.Count(f => f[4] is (byte)FrameType.Chat or (byte)FrameType.ChatUnchecked);
        }
        s.OtherSays(seq);
        s.Tick();

        await Assert.That(relayed).IsGreaterThanOrEqualTo(3);
        await Assert.That(early).IsEqualTo(0);
        await Assert.That(s.HavesToPeer().Count).IsEqualTo(1);
    }

    [Test]
    public async Task After_one_line_held_back_the_timer_waits_for_the_HAVE_not_for_the_ticks_period()
    {
        var s = new Scene();

        long now = s.Bench.Now, next = 0;
        s.Bench.Fuzz.Input(core => next = core.NextTick(now));

        await Assert.That(next).IsGreaterThan(now + NodeCore.TickMs);
        await Assert.That(next).IsLessThanOrEqualTo(now + Flooding.HaveDelayMs);
    }

    [Test]
    public async Task A_HAVE_due_with_the_links_ping_goes_in_its_place()
    {
        var s = new Scene();

        var sent = new List<byte[]>();
        for (int i = 0; i < 8; i++)
        {
            s.Tick();
            sent.AddRange(s.Bench.FramesOf(s.Peer, s.PeerTail));
        }

        // The peer heard from us on time all along, but the HAVE was the frame it heard until the one after it.
        int firstHave = sent.FindIndex(f => f[4] == (byte)FrameType.Have);
        await Assert.That(firstHave).IsGreaterThanOrEqualTo(0);
        await Assert.That(sent.Take(firstHave + 1).Count(f => f[4] == (byte)FrameType.Ping)).IsEqualTo(0);
        await Assert.That(sent.Count(f => f[4] == (byte)FrameType.Have)).IsEqualTo(1);
    }

    [Test]
    public async Task Lines_held_back_in_a_burst_are_told_on_the_next_tick()
    {
        var s = new Scene();

        for (ulong seq = 2; seq <= Flooding.HaveBatchLines; seq++)
            s.Say(seq);
        s.Tick();

        List<byte[]> haves = s.HavesToPeer();
        await Assert.That(haves.Count).IsEqualTo(1);
        await Assert.That(BinaryPrimitives.ReadUInt64BigEndian(haves[0].AsSpan(Protocol.LengthPrefixSize + 10))).IsEqualTo((ulong)Flooding.HaveBatchLines);
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
        for (long waited = 0; waited < Flooding.HaveDelayMs; waited += NodeCore.TickMs)
            s.Tick();

        List<byte[]> haves = s.HavesToPeer();
        await Assert.That(haves.Count).IsEqualTo(1);
        await Assert.That(BinaryPrimitives.ReadUInt64BigEndian(haves[0].AsSpan(Protocol.LengthPrefixSize + 10))).IsEqualTo(2UL);
    }
}
