// Roster digests: a link that opens gets the ids and counters of the members we know (ROSTER), not every announcement;
// the peer asks (WANT) for those it lacks or holds older, and gets just those, within what our digests named to it.
// One core on simulated time, real handshakes and signed announcements.
using System.Buffers.Binary;
using P2PChat.Net;
using P2PChat.Tests.Fuzz;

namespace P2PChat.Tests;

public class RosterDigestTests
{
    /// <summary>The members and counters the ROSTER frames among <paramref name="digests"/> name (also read by
    /// LazyPresenceTests).</summary>
    internal static List<(ulong Member, ulong Counter)> Entries(List<byte[]> digests)
    {
        var entries = new List<(ulong, ulong)>();
        foreach (byte[] frame in digests)
        {
            int count = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(5));
            for (int i = 0; i < count; i++)
                entries.Add((BinaryPrimitives.ReadUInt64BigEndian(frame.AsSpan(7 + 16 * i)), BinaryPrimitives.ReadUInt64BigEndian(frame.AsSpan(15 + 16 * i))));
        }
        return entries;
    }

    /// <summary>The origins of the PRESENCE frames among <paramref name="frames"/>.</summary>
    private static List<ulong> Announced(List<byte[]> frames) =>
        frames.ConvertAll(f => BinaryPrimitives.ReadUInt64BigEndian(f.AsSpan(Protocol.LengthPrefixSize + 2)));

    [Test]
    public async Task A_new_neighbour_gets_a_digest_of_the_roster_and_only_the_announcements_it_asks_for()
    {
        var bench = new DialBench(targetLinks: 0);
        var first = bench.Join(1, "first", 5001);
        NodeKeys[] members = [bench.Keys(3), bench.Keys(4), bench.Keys(5)];
        for (int i = 0; i < members.Length; i++)
            bench.Send(first, SecurePeer.Announcement(members[i], $"m{i}"));
        await Assert.That(bench.Core.Presence.Roster.OnlineCount).IsEqualTo(3);

        var opening = new List<byte[]>();
        var second = bench.Join(2, "second", 5002, opening: opening);
        var tail = new List<byte>();
        List<byte[]> frames = opening.FindAll(f => f[4] == (byte)FrameType.Presence);
        await Assert.That(Announced(frames)).IsEquivalentTo(new[] { bench.Core.NodeId }).Because("only our own announcement goes out whole");
        List<(ulong Member, ulong Counter)> listed = Entries(opening.FindAll(f => f[4] == (byte)FrameType.RosterDigest));
        await Assert.That(listed).IsEquivalentTo(members.Select(k => (k.NodeId, 1UL)));

        bench.Send(second, FrameGen.IdList(FrameType.Want, [members[1].NodeId]));
        frames = bench.FramesOf(second, tail, FrameType.Presence);
        await Assert.That(Announced(frames)).IsEquivalentTo(new[] { members[1].NodeId });
        await Assert.That(frames[0][Protocol.LengthPrefixSize + 1]).IsEqualTo((byte)PresenceKind.Present);

        // Asking for more than the digest named is refused past that budget: two more are answered, the rest not.
        bench.Send(second, FrameGen.IdList(FrameType.Want, [members[0].NodeId, members[2].NodeId, members[0].NodeId, members[2].NodeId]));
        await Assert.That(bench.FramesOf(second, tail, FrameType.Presence).Count).IsEqualTo(2);
        await Assert.That(bench.Core.Presence.WantsRefused).IsEqualTo(2);
    }

    [Test]
    public async Task A_digest_is_answered_with_a_want_for_the_members_we_lack_or_hold_older()
    {
        var bench = new DialBench(targetLinks: 0);
        var first = bench.Join(1, "first", 5001);
        NodeKeys known = bench.Keys(3), newer = bench.Keys(4), unknown = bench.Keys(5);
        bench.Send(first, SecurePeer.Announcement(known, "known", counter: 7));
        bench.Send(first, SecurePeer.Announcement(newer, "newer", counter: 2));
        var tail = new List<byte>();
        bench.FramesOf(first, tail, FrameType.Want);

        bench.Send(first, FrameGen.IdList(FrameType.RosterDigest, [known.NodeId, newer.NodeId, unknown.NodeId, bench.Core.NodeId], [5, 3, 1, 9]));
        List<byte[]> wants = bench.FramesOf(first, tail, FrameType.Want);
        await Assert.That(wants.Count).IsEqualTo(1);
        int count = BinaryPrimitives.ReadUInt16BigEndian(wants[0].AsSpan(5));
        var asked = Enumerable.Range(0, count).Select(i => BinaryPrimitives.ReadUInt64BigEndian(wants[0].AsSpan(7 + 8 * i))).ToList();
        await Assert.That(asked).IsEquivalentTo(new[] { newer.NodeId, unknown.NodeId }).Because("ours of 'known' is newer, and we are ourselves");
    }

    [Test]
    public async Task A_member_gone_on_a_suspicion_that_a_digest_lists_is_answered_with_the_suspicion_once()
    {
        var bench = new DialBench(targetLinks: 0);
        var first = bench.Join(1, "first", 5001);
        var second = bench.Join(2, "second", 5002);
        NodeKeys dead = bench.Keys(3);
        bench.Send(first, SecurePeer.Announcement(dead, "dead"));
        var suspicion = new byte[FrameWriter.SuspectSize];
        FrameWriter.WriteSuspect(suspicion, first.Peer.Keys.NodeId, dead.NodeId, 1, first.Peer.Keys.Identity.Public, first.Peer.Keys.Epoch);
        Presence.SignSuspect(first.Peer.Keys, suspicion);
        bench.Send(first, suspicion);
        var tail = new List<byte>();
        for (long until = bench.Now + Roster.SuspectMs + 2 * DialBench.TickMs; bench.Now < until;)
        {
            // Ticks whose frames the second reads (DialBench.RunUntil discards them unread); both neighbours stay alive.
            bench.Send(first, DialBench.Ping);
            bench.Send(second, DialBench.Ping);
            bench.Fuzz.Now += DialBench.TickMs;
            bench.Fuzz.Input(core => core.Tick(bench.Now));
            bench.FramesOf(second, tail, FrameType.Suspect);
        }
        await Assert.That(bench.Core.Presence.Roster.Find(dead.NodeId)).IsNull().Because("unrefuted, the suspicion made it gone");

        // The second neighbour still counts it online: its ROSTER lists it, a thousand times over.
        ulong[] ids = [.. Enumerable.Repeat(dead.NodeId, Protocol.MaxDigestEntries)];
        bench.Send(second, FrameGen.IdList(FrameType.RosterDigest, ids, [.. ids.Select(_ => 1UL)]));
        await Assert.That(bench.FramesSent(second, tail, FrameType.Suspect)).IsEqualTo(1);
        await Assert.That(bench.FramesSent(second, tail, FrameType.Want)).IsEqualTo(0);
    }

    [Test]
    [Arguments(new byte[] { 0, 0, 0, 3, 14, 0, 0 })]                    // ROSTER of no member
    [Arguments(new byte[] { 0, 0, 0, 11, 14, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8 })] // one member, counter missing
    [Arguments(new byte[] { 0, 0, 0, 2, 15, 0 })]                       // WANT too short
    [Arguments(new byte[] { 0, 0, 0, 11, 15, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8 })] // two members named, one given
    public async Task A_malformed_digest_or_want_closes_only_that_link(byte[] frame)
    {
        var bench = new DialBench(targetLinks: 0);
        var bad = bench.Join(1, "bad", 5001);
        bench.Join(2, "good", 5002);
        bench.Send(bad, frame);
        await Assert.That(bench.Core.Links.Open.Select(l => l.Peer!.Name)).IsEquivalentTo(new[] { "good" });
    }
}
