// The presence roster as pure logic: which announcements count as news, joined versus already online, BYE
// tombstones that outlive stale copies, expiry after three silent intervals, and the cap on members.
using System.Text;
using P2PChat.Net;

namespace P2PChat.Tests;

public class RosterTests
{
    private static byte[] Frame(PresenceKind kind, ulong origin, ulong counter, uint intervalMs = 1000, string name = "bob")
    {
        byte[] nameUtf8 = Encoding.UTF8.GetBytes(name);
        var frame = new byte[FrameWriter.PresenceSize(nameUtf8)];
        FrameWriter.WritePresence(frame, kind, origin, counter, intervalMs, lastSeq: 0, nameUtf8, new byte[Protocol.KeySize], 1);
        return frame;
    }

    private static PresenceOutcome Apply(Roster roster, PresenceKind kind, ulong origin, ulong counter, long now, uint intervalMs = 1000, string name = "bob")
    {
        byte[] frame = Frame(kind, origin, counter, intervalMs, name);
        string? error = FrameReader.TryParsePresence(frame.AsSpan(Protocol.LengthPrefixSize), out PresenceView view);
        if (error is not null)
            throw new InvalidOperationException(error);
        return roster.Apply(view, frame, now, out _);
    }

    [Test]
    public async Task A_first_announcement_is_a_join_and_a_later_first_sighting_is_already_online()
    {
        var roster = new Roster();
        await Assert.That(Apply(roster, PresenceKind.Alive, 1, 1, now: 0)).IsEqualTo(PresenceOutcome.Joined);
        await Assert.That(Apply(roster, PresenceKind.Alive, 2, 7, now: 0)).IsEqualTo(PresenceOutcome.Online);
        await Assert.That(Apply(roster, PresenceKind.Present, 3, 1, now: 0)).IsEqualTo(PresenceOutcome.Online)
            .Because("a roster handed on by a neighbour describes someone who was already there");
        await Assert.That(roster.OnlineCount).IsEqualTo(3);
    }

    [Test]
    public async Task Copies_and_older_announcements_are_stale_and_newer_ones_refresh()
    {
        var roster = new Roster();
        Apply(roster, PresenceKind.Alive, 1, 5, now: 0);
        await Assert.That(Apply(roster, PresenceKind.Alive, 1, 5, now: 10)).IsEqualTo(PresenceOutcome.Stale);
        await Assert.That(Apply(roster, PresenceKind.Present, 1, 4, now: 10)).IsEqualTo(PresenceOutcome.Stale);
        await Assert.That(Apply(roster, PresenceKind.Alive, 1, 6, now: 10)).IsEqualTo(PresenceOutcome.Refreshed);
    }

    [Test]
    public async Task A_bye_removes_the_member_and_a_late_copy_of_an_older_announcement_does_not_bring_it_back()
    {
        var roster = new Roster();
        Apply(roster, PresenceKind.Alive, 1, 5, now: 0);
        await Assert.That(Apply(roster, PresenceKind.Bye, 1, 6, now: 10)).IsEqualTo(PresenceOutcome.Left);
        await Assert.That(Apply(roster, PresenceKind.Present, 1, 5, now: 20)).IsEqualTo(PresenceOutcome.Stale);
        await Assert.That(roster.Online()).IsEmpty();
        await Assert.That(Apply(roster, PresenceKind.Bye, 9, 3, now: 20)).IsEqualTo(PresenceOutcome.Refreshed)
            .Because("a BYE of someone we never saw is passed on but tells the user nothing");
    }

    [Test]
    public async Task A_member_silent_for_three_intervals_is_declared_gone_and_is_online_again_when_heard()
    {
        var roster = new Roster();
        Apply(roster, PresenceKind.Alive, 1, 1, now: 0, intervalMs: 1000);
        await Assert.That(roster.Expire(3000 + Roster.ExpirySlackMs - 1)).IsNull();
        List<Roster.Entry>? gone = roster.Expire(3000 + Roster.ExpirySlackMs);
        await Assert.That(gone!.Select(e => e.Member.NodeId)).IsEquivalentTo(new ulong[] { 1 });
        await Assert.That(roster.OnlineCount).IsEqualTo(0);
        await Assert.That(Apply(roster, PresenceKind.Alive, 1, 9, now: 5000)).IsEqualTo(PresenceOutcome.Online)
            .Because("a peer that was stopped, or cut off by a split, comes back");
    }

    [Test]
    public async Task Tombstones_are_dropped_after_a_while()
    {
        var roster = new Roster();
        Apply(roster, PresenceKind.Alive, 1, 1, now: 0);
        Apply(roster, PresenceKind.Bye, 1, 2, now: 0);
        roster.Expire(Roster.TombstoneMs);
        await Assert.That(roster.Count).IsEqualTo(0);
    }

    [Test]
    public async Task A_tombstone_outlives_the_lease_any_node_may_still_hold_on_the_member()
    {
        // A member of a big network (an interval of 200 s: a lease of 601 s) says BYE. A node cut off meanwhile may hold
        // it online until its lease runs out; until then, a copy of its last announcement must still be stale here.
        var roster = new Roster();
        Apply(roster, PresenceKind.Alive, 1, 5, now: 0, intervalMs: 200_000);
        Apply(roster, PresenceKind.Bye, 1, 6, now: 10, intervalMs: 200_000);
        long lease = 3 * 200_000 + Roster.ExpirySlackMs;
        roster.Expire(10 + Roster.TombstoneMs + 1);
        await Assert.That(Apply(roster, PresenceKind.Present, 1, 5, now: 10 + lease - 1)).IsEqualTo(PresenceOutcome.Stale);
        roster.Expire(10 + lease);
        await Assert.That(roster.Count).IsEqualTo(0);
    }

    [Test]
    public async Task After_a_long_stall_members_stay_online_but_unvouched_until_news_of_them_comes()
    {
        var roster = new Roster();
        Apply(roster, PresenceKind.Alive, 1, 1, now: 0);
        Apply(roster, PresenceKind.Alive, 2, 1, now: 0);
        roster.Postpone(Roster.UnvouchedAfterStallMs - 1);
        await Assert.That(roster.Entries.Count(e => e.Unvouched)).IsEqualTo(0).Because("a short stall: the news waits unread");
        roster.Postpone(1);
        await Assert.That(roster.Entries.Count(e => e.Unvouched)).IsEqualTo(2).Because("stalls add up");
        await Assert.That(roster.OnlineCount).IsEqualTo(2);
        roster.HeardFrom(2, now: 10);
        await Assert.That(roster.Get(2)!.Unvouched).IsTrue().Because("a line may be old (replayed after the stall)");
        Apply(roster, PresenceKind.Alive, 1, 2, now: 10);
        Roster.Vouch(roster.Get(2)!);
        await Assert.That(roster.Entries.Count(e => e.Unvouched)).IsEqualTo(0).Because("an announcement, and a neighbour's ROSTER");
        roster.Postpone(Roster.UnvouchedAfterStallMs - 1);
        await Assert.That(roster.Entries.Count(e => e.Unvouched)).IsEqualTo(0).Because("news starts the count again");
    }

    [Test]
    public async Task A_full_roster_refuses_new_members_rather_than_forget_one_online_and_makes_room_from_tombstones()
    {
        var roster = new Roster(capacity: 4);
        var outcomes = new List<PresenceOutcome>();
        for (ulong origin = 1; origin <= 10; origin++)
            outcomes.Add(Apply(roster, PresenceKind.Alive, origin, 1, now: (long)origin * 100));
        await Assert.That(roster.Count).IsEqualTo(4);
        await Assert.That(roster.Online().Select(m => m.NodeId)).IsEquivalentTo(new ulong[] { 1, 2, 3, 4 });
        await Assert.That(outcomes.Skip(4).All(o => o == PresenceOutcome.Stale)).IsTrue()
            .Because("a refused announcement is not news, so it is not passed on either: no loop past the cap");
        await Assert.That(roster.Refused).IsEqualTo(6);

        Apply(roster, PresenceKind.Bye, 2, 2, now: 2000);
        await Assert.That(Apply(roster, PresenceKind.Alive, 11, 1, now: 2100)).IsEqualTo(PresenceOutcome.Stale)
            .Because("a young tombstone still meets copies of the member's last announcement, so it keeps its room");
        await Assert.That(Apply(roster, PresenceKind.Present, 2, 1, now: 2200)).IsEqualTo(PresenceOutcome.Stale)
            .Because("a node cut off while the member left hands on its old announcement");
        await Assert.That(Apply(roster, PresenceKind.Alive, 11, 1, now: 2000 + Roster.EvictableAfterMs)).IsEqualTo(PresenceOutcome.Joined)
            .Because("a tombstone a minute old makes room");
        await Assert.That(roster.Count).IsEqualTo(4);
    }

    [Test]
    public async Task Online_members_are_listed_by_name()
    {
        var roster = new Roster();
        Apply(roster, PresenceKind.Alive, 1, 1, now: 0, name: "zoe");
        Apply(roster, PresenceKind.Alive, 2, 1, now: 0, name: "amy");
        await Assert.That(roster.Online().Select(m => m.Name)).IsEquivalentTo(new[] { "amy", "zoe" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task Malformed_presence_frames_are_refused_with_a_reason()
    {
        byte[] good = Frame(PresenceKind.Alive, 1, 1)[Protocol.LengthPrefixSize..];
        byte[] badKind = [.. good];
        badKind[1] = 9;
        byte[] zeroCounter = Frame(PresenceKind.Alive, 1, 0)[Protocol.LengthPrefixSize..];
        byte[] tinyInterval = Frame(PresenceKind.Alive, 1, 1, intervalMs: 5)[Protocol.LengthPrefixSize..];
        byte[] truncated = good[..^1];
        byte[] controlName = Frame(PresenceKind.Alive, 1, 1, name: "a\u001bb")[Protocol.LengthPrefixSize..];

        await Assert.That(FrameReader.TryParsePresence(good, out _)).IsNull();
        await Assert.That(FrameReader.TryParsePresence(badKind, out _)).IsEqualTo("unknown PRESENCE kind 9");
        await Assert.That(FrameReader.TryParsePresence(zeroCounter, out _)).Contains("zero");
        await Assert.That(FrameReader.TryParsePresence(tinyInterval, out _)).Contains("interval");
        await Assert.That(FrameReader.TryParsePresence(truncated, out _)).Contains("name length");
        await Assert.That(FrameReader.TryParsePresence(controlName, out _)).Contains("invalid name");
        await Assert.That(FrameReader.TryParsePresence(good.AsSpan(0, 10), out _)).IsEqualTo("malformed PRESENCE");
    }

    private static MemberInfo Announce(Roster roster, ulong counter, string name, byte key, byte box)
    {
        byte[] nameUtf8 = Encoding.UTF8.GetBytes(name);
        var frame = new byte[FrameWriter.PresenceSize(nameUtf8)];
        FrameWriter.WritePresence(frame, PresenceKind.Alive, 0xa11ce, counter, 1000, lastSeq: 0, nameUtf8,
            Enumerable.Repeat(key, Protocol.KeySize).ToArray(), 1, Enumerable.Repeat(box, Protocol.KeySize).ToArray());
        if (FrameReader.TryParsePresence(frame.AsSpan(Protocol.LengthPrefixSize), out PresenceView view) is string error)
            throw new InvalidOperationException(error);
        roster.Apply(view, frame, now: 0, out MemberInfo? member);
        return member ?? throw new InvalidOperationException("no member");
    }

    [Test]
    public async Task A_members_keys_are_those_of_its_first_announcement_through_renames_and_never_change_once_handed_out()
    {
        var roster = new Roster();
        MemberInfo first = Announce(roster, 1, "alice", key: 1, box: 2);
        MemberInfo again = Announce(roster, 2, "alice", key: 1, box: 2);
        MemberInfo sameLength = Announce(roster, 3, "alicE", key: 1, box: 2);
        MemberInfo longer = Announce(roster, 4, "alice2", key: 1, box: 2);
        // The box key is only signed, not derived where a receiver can check it: a member could change it.
        MemberInfo changed = Announce(roster, 5, "alice2", key: 1, box: 9);

        MemberInfo[] all = [first, again, sameLength, longer, changed];
        await Assert.That(all.Select(m => m.Name)).IsEquivalentTo(["alice", "alice", "alicE", "alice2", "alice2"]);
        foreach (MemberInfo member in all)
        {
            await Assert.That(member.Key.ToArray()).IsEquivalentTo(Enumerable.Repeat((byte)1, Protocol.KeySize).ToArray());
            await Assert.That(member.Box.ToArray()).IsEquivalentTo(Enumerable.Repeat((byte)2, Protocol.KeySize).ToArray());
        }
    }
}
