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

    private static List<(ulong Member, ulong Counter)> Named(List<byte[]> rosters)
    {
        var entries = new List<(ulong, ulong)>();
        foreach (byte[] frame in rosters)
        {
            int count = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(5));
            for (int i = 0; i < count; i++)
                entries.Add((BinaryPrimitives.ReadUInt64BigEndian(frame.AsSpan(7 + 16 * i)), BinaryPrimitives.ReadUInt64BigEndian(frame.AsSpan(15 + 16 * i))));
        }
        return entries;
    }

    private static ulong CounterOf(byte[] presence) => BinaryPrimitives.ReadUInt64BigEndian(presence.AsSpan(Protocol.LengthPrefixSize + 10));

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
    public async Task An_announcement_is_named_not_sent_to_a_neighbour_that_pruned_its_member_and_is_sent_whole_when_it_asks()
    {
        var bench = new DialBench(targetLinks: 0);
        var first = bench.Join(1, "first", 5001);
        var second = bench.Join(2, "second", 5002);
        NodeKeys member = bench.Keys(3);
        var tail = new List<byte>();
        bench.FramesOf(second, tail);

        bench.Send(first, SecurePeer.Announcement(member, "m", counter: 1));
        await Assert.That(bench.FramesSent(second, tail, FrameType.Presence)).IsEqualTo(1).Because("nobody pruned a member nobody knew");

        bench.Send(second, PruneOf(member.NodeId));
        bench.Send(first, SecurePeer.Announcement(member, "m", counter: 2));
        await Assert.That(bench.FramesSent(second, tail, FrameType.Presence)).IsEqualTo(0).Because("it takes the member by another path");

        List<byte[]> rosters = Tick(bench, first, second, tail, Presence.WithheldDelayMs + DialBench.TickMs);
        await Assert.That(Named(rosters)).IsEquivalentTo(new[] { (member.NodeId, 2UL) });

        // Its path failed it: it asks, and gets the announcement whole, as a member already present.
        bench.Send(second, FrameGen.IdList(FrameType.Want, [member.NodeId]));
        List<byte[]> sent = bench.FramesOf(second, tail, FrameType.Presence);
        await Assert.That(sent.Count).IsEqualTo(1);
        await Assert.That(CounterOf(sent[0])).IsEqualTo(2UL);
        await Assert.That(sent[0][Protocol.LengthPrefixSize + 1]).IsEqualTo((byte)PresenceKind.Present);
    }

    [Test]
    public async Task An_announcement_the_neighbour_showed_it_has_is_not_named_to_it()
    {
        var bench = new DialBench(targetLinks: 0);
        var first = bench.Join(1, "first", 5001);
        var second = bench.Join(2, "second", 5002);
        NodeKeys member = bench.Keys(3);
        var tail = new List<byte>();
        bench.Send(first, SecurePeer.Announcement(member, "m", counter: 1));
        bench.Send(second, PruneOf(member.NodeId));
        bench.Send(first, SecurePeer.Announcement(member, "m", counter: 2));
        bench.FramesOf(second, tail);

        // Its own path brought it: a copy comes from it.
        bench.Send(second, SecurePeer.Announcement(member, "m", counter: 2));
        List<byte[]> rosters = Tick(bench, first, second, tail, Presence.WithheldDelayMs + DialBench.TickMs);
        await Assert.That(Named(rosters)).IsEmpty();
    }

    [Test]
    public async Task A_bye_goes_whole_even_to_a_neighbour_that_pruned_its_member()
    {
        var bench = new DialBench(targetLinks: 0);
        var first = bench.Join(1, "first", 5001);
        var second = bench.Join(2, "second", 5002);
        NodeKeys member = bench.Keys(3);
        var tail = new List<byte>();
        bench.Send(first, SecurePeer.Announcement(member, "m", counter: 1));
        bench.Send(second, PruneOf(member.NodeId));
        bench.FramesOf(second, tail);

        bench.Send(first, Bye(member, "m", counter: 2));
        List<byte[]> sent = bench.FramesOf(second, tail, FrameType.Presence);
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
        await Assert.That(Named(rosters).Count).IsEqualTo(CoreLink.MaxWithheldAnnouncements);
    }
}
