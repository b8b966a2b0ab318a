// Lazy presence: an announcement is passed on whole only where the neighbour has not pruned its member; where it has
// (the neighbour takes that member's lines, and so its announcements, by another path), the announcement is named in
// a ROSTER with the link's next ping, and the neighbour WANTs it if its path failed it. One core on simulated time,
// real handshakes and signed announcements.
using System.Buffers.Binary;
using System.Text;
using P2PChat.Net;
using P2PChat.Tests.Fuzz;

namespace P2PChat.Tests;

public class LazyPresenceTests
{
    private static byte[] PruneOf(ulong member)
    {
        var frame = new byte[Flooding.PruneFrameSize];
        BinaryPrimitives.WriteUInt32BigEndian(frame, 9);
        frame[Protocol.LengthPrefixSize] = (byte)FrameType.Prune;
        BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(Protocol.LengthPrefixSize + 1), member);
        return frame;
    }

    private static byte[] Bye(NodeKeys keys, string name, ulong counter)
    {
        byte[] nameUtf8 = Encoding.UTF8.GetBytes(name);
        var frame = new byte[FrameWriter.PresenceSize(nameUtf8)];
        FrameWriter.WritePresence(frame, PresenceKind.Bye, keys.NodeId, counter, 1000, 0, nameUtf8, keys.Identity.Public, keys.Epoch, keys.BoxPublic);
        Presence.Sign(keys, frame);
        return frame;
    }

    private static ulong CounterOf(byte[] presence) => BinaryPrimitives.ReadUInt64BigEndian(presence.AsSpan(Protocol.LengthPrefixSize + 10));

    /// <summary>A core with two neighbours, a member announced (counter 1) through the first, and the second having
    /// pruned that member (it takes the member's lines by another path); what the second was sent so far is read.</summary>
    private sealed class Pruned
    {
        public DialBench Bench { get; } = new(targetLinks: 0);
        public (SecurePeer Peer, int Link) First { get; }
        public (SecurePeer Peer, int Link) Second { get; }
        public NodeKeys Member { get; }
        public List<byte> Tail { get; } = [];

        public Pruned()
        {
            First = Bench.Join(1, "first", 5001);
            Second = Bench.Join(2, "second", 5002);
            Member = Bench.Keys(3);
            Bench.Send(First, SecurePeer.Announcement(Member, "m", counter: 1));
            Bench.Send(Second, PruneOf(Member.NodeId));
            Bench.FramesOf(Second, Tail);
        }

        /// <summary>The ROSTERs the second is sent while the timer runs long enough for a held-back announcement.</summary>
        public List<byte[]> RostersToSecond() => Tick(Bench, First, Second, Tail, Presence.WithheldDelayMs + DialBench.TickMs);
    }

    /// <summary>Runs the core's timer for <paramref name="ms"/>, both neighbours alive, and returns the ROSTERs it sent
    /// <paramref name="watched"/> meanwhile.</summary>
    private static List<byte[]> Tick(DialBench bench, (SecurePeer Peer, int Link) other, (SecurePeer Peer, int Link) watched, List<byte> tail, long ms)
    {
        var rosters = new List<byte[]>();
        for (long until = bench.Now + ms; bench.Now < until;)
        {
            bench.Send(other, DialBench.Ping);
            bench.Send(watched, DialBench.Ping);
            bench.Fuzz.Now += DialBench.TickMs;
            bench.Fuzz.Input(core => core.Tick(bench.Now));
            rosters.AddRange(bench.FramesOf(watched, tail, FrameType.RosterDigest));
        }
        return rosters;
    }

    [Test]
    public async Task An_announcement_goes_whole_to_a_neighbour_while_nobody_pruned_its_member()
    {
        var bench = new DialBench(targetLinks: 0);
        var first = bench.Join(1, "first", 5001);
        var second = bench.Join(2, "second", 5002);
        var tail = new List<byte>();
        bench.FramesOf(second, tail);

        bench.Send(first, SecurePeer.Announcement(bench.Keys(3), "m", counter: 1));
        await Assert.That(bench.FramesSent(second, tail, FrameType.Presence)).IsEqualTo(1).Because("nobody pruned a member nobody knew");
    }

    [Test]
    public async Task An_announcement_is_named_not_sent_to_a_neighbour_that_pruned_its_member_and_is_sent_whole_when_it_asks()
    {
        var at = new Pruned();
        at.Bench.Send(at.First, SecurePeer.Announcement(at.Member, "m", counter: 2));
        await Assert.That(at.Bench.FramesSent(at.Second, at.Tail, FrameType.Presence)).IsEqualTo(0).Because("it takes the member by another path");
        await Assert.That(RosterDigestTests.Entries(at.RostersToSecond())).IsEquivalentTo(new[] { (at.Member.NodeId, 2UL) });

        // Its path failed it: it asks, and gets the announcement whole, as a member already present.
        at.Bench.Send(at.Second, FrameGen.IdList(FrameType.Want, [at.Member.NodeId]));
        List<byte[]> sent = at.Bench.FramesOf(at.Second, at.Tail, FrameType.Presence);
        await Assert.That(sent.Count).IsEqualTo(1);
        await Assert.That(CounterOf(sent[0])).IsEqualTo(2UL);
        await Assert.That(sent[0][Protocol.LengthPrefixSize + 1]).IsEqualTo((byte)PresenceKind.Present);
    }

    [Test]
    public async Task An_announcement_the_neighbour_showed_it_has_is_not_named_to_it()
    {
        var at = new Pruned();
        at.Bench.Send(at.First, SecurePeer.Announcement(at.Member, "m", counter: 2));

        // Its own path brought it: a copy comes from it.
        at.Bench.Send(at.Second, SecurePeer.Announcement(at.Member, "m", counter: 2));
        await Assert.That(RosterDigestTests.Entries(at.RostersToSecond())).IsEmpty();
    }

    [Test]
    public async Task A_bye_goes_whole_even_to_a_neighbour_that_pruned_its_member()
    {
        var at = new Pruned();
        at.Bench.Send(at.First, Bye(at.Member, "m", counter: 2));
        List<byte[]> sent = at.Bench.FramesOf(at.Second, at.Tail, FrameType.Presence);
        await Assert.That(sent.Count).IsEqualTo(1);
        await Assert.That(sent[0][Protocol.LengthPrefixSize + 1]).IsEqualTo((byte)PresenceKind.Bye);
    }

    [Test]
    public async Task An_announcement_never_goes_back_to_its_own_member()
    {
        var bench = new DialBench(targetLinks: 0);
        var first = bench.Join(1, "first", 5001);
        var member = bench.Join(2, "member", 5002);
        var tail = new List<byte>();
        bench.FramesOf(member, tail);

        // The member's announcement reaches us by another neighbour (a cycle): the member is not sent it back.
        bench.Send(first, SecurePeer.Announcement(member.Peer.Keys, "member", counter: 5));
        await Assert.That(bench.FramesSent(member, tail, FrameType.Presence)).IsEqualTo(0);
    }

    [Test]
    public async Task Past_the_cap_of_held_back_members_announcements_go_whole()
    {
        var bench = new DialBench(targetLinks: 0);
        var first = bench.Join(1, "first", 5001);
        var second = bench.Join(2, "second", 5002);
        var tail = new List<byte>();
        int members = CoreLink.MaxWithheldAnnouncements + 3;
        var keys = new List<NodeKeys>();
        for (int i = 0; i < members; i++)
        {
            NodeKeys k = bench.Keys(3 + i % 5);
            keys.Add(k);
            bench.Send(first, SecurePeer.Announcement(k, $"m{i}", counter: 1));
            bench.Send(second, PruneOf(k.NodeId));
        }
        bench.FramesOf(second, tail);

        foreach (NodeKeys k in keys)
            bench.Send(first, SecurePeer.Announcement(k, "m", counter: 2));
        await Assert.That(bench.FramesSent(second, tail, FrameType.Presence)).IsEqualTo(3).Because("the cap holds back 64, the rest go whole");
        List<byte[]> rosters = Tick(bench, first, second, tail, Presence.WithheldDelayMs + DialBench.TickMs);
        await Assert.That(RosterDigestTests.Entries(rosters).Count).IsEqualTo(CoreLink.MaxWithheldAnnouncements);
    }
}
