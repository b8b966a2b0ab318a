// Who is in the network, learned from flooded PRESENCE frames. Each member announces itself every interval with
// a growing counter; a frame whose counter is not above the last one seen from its origin is a copy and is dropped
// (that is also what stops the flood). A member not heard from for three of its intervals is declared gone, so a
// crashed or cut-off peer leaves everyone's roster within seconds, not only its neighbours'. Gone members stay as
// tombstones for a while, so a late copy of an old announcement cannot bring them back. Bounded: at most
// `capacity` entries; a tombstone makes room, a member online never does (a new member is refused instead).
// Pure logic, owned by Presence.cs.
namespace P2PChat.Net;

internal sealed class Roster(int capacity = Protocol.MaxMembers)
{
    /// <summary>How long a gone member is remembered, so stale copies of its announcements are recognised.</summary>
    public const long TombstoneMs = 5 * 60 * 1000;

    /// <summary>Grace on top of three intervals for frames delayed behind a burst of chat in a queue.</summary>
    public const long ExpirySlackMs = 1000;

    internal sealed class Entry(MemberInfo member)
    {
        /// <summary>As its latest announcement describes it (a new record when it renames itself).</summary>
        public MemberInfo Member { get; set; } = member;

        /// <summary>Member.Name as its announcements carry it, compared with each new one without a string.</summary>
        public byte[] NameUtf8 { get; set; } = [];
        public ulong Counter { get; set; }
        public uint IntervalMs { get; set; }

        /// <summary>When its latest announcement was applied (TooSoon).</summary>
        public long AppliedAt { get; set; }

        /// <summary>Live: when it is declared gone without news. Gone: when the tombstone is dropped.</summary>
        public long ExpiresAt { get; set; }

        public bool Gone { get; set; }

        /// <summary>Gone because it said BYE (passed on to newcomers), rather than because it fell silent.</summary>
        public bool SaidBye { get; set; }

        /// <summary>Its latest announcement as received (length prefix included), handed to new neighbours.</summary>
        public byte[] Frame { get; set; } = [];
    }

    private readonly Dictionary<ulong, Entry> _entries = [];

    public int Count => _entries.Count;

    public int OnlineCount { get; private set; }

    /// <summary>Announcements of new members refused because the roster was full of members online.</summary>
    public long Refused { get; private set; }

    public IEnumerable<Entry> Entries => _entries.Values;

    /// <summary>An announcement not newer than the last one seen from its origin: a copy, dropped unchecked.</summary>
    /// <summary>An announcement from a member online here comes sooner than half the interval it declared last time
    /// (50 ms at least): an honest member announces once per interval, so this is a member flooding announcements,
    /// which every node would check and pass on. Dropped here (a later one, or a copy by a slower path, is taken).</summary>
    public bool TooSoon(ulong origin, long now) =>
        _entries.TryGetValue(origin, out Entry? entry) && !entry.Gone && now - entry.AppliedAt < Math.Max(MinGapMs, entry.IntervalMs / 2);

    /// <summary>The least gap TooSoon allows, whatever interval a member declares.</summary>
    public const long MinGapMs = 50;

    public bool IsCopy(ulong origin, ulong counter) => _entries.TryGetValue(origin, out Entry? entry) && counter <= entry.Counter;

    /// <summary>The member <paramref name="node"/> while online, else null.</summary>
    public MemberInfo? Find(ulong node) => _entries.TryGetValue(node, out Entry? entry) && !entry.Gone ? entry.Member : null;

    public bool IsOnline(ulong node) => _entries.TryGetValue(node, out Entry? entry) && !entry.Gone;

    /// <summary>Applies one PRESENCE frame (<paramref name="frame"/> is the whole frame, kept for handing on).</summary>
    public PresenceOutcome Apply(in PresenceView presence, ReadOnlySpan<byte> frame, long now, out MemberInfo? member)
    {
        member = null;
        bool known = _entries.TryGetValue(presence.Origin, out Entry? entry);
        if (known && presence.Counter <= entry!.Counter)
            return PresenceOutcome.Stale;
        if (!known)
        {
            if (_entries.Count >= capacity && !Evict())
            {
                Refused++;
                return PresenceOutcome.Stale; // full of members online: refused, and not passed on (no loop)
            }
            entry = new Entry(new MemberInfo(presence.Origin, System.Text.Encoding.UTF8.GetString(presence.Name))
            {
                Key = presence.Key.ToArray(),
                Box = presence.Box.ToArray(),
            })
            {
                NameUtf8 = presence.Name.ToArray(),
            };
            entry.Gone = true; // not online until the checks below say so
            _entries.Add(presence.Origin, entry);
        }
        bool wasOnline = !entry!.Gone;
        bool renamed = known && !presence.Name.SequenceEqual(entry.NameUtf8);
        if (renamed)
        {
            entry.Member = entry.Member with { Name = System.Text.Encoding.UTF8.GetString(presence.Name) };
            entry.NameUtf8 = presence.Name.ToArray();
        }
        member = entry.Member;
        entry.Counter = presence.Counter;
        entry.IntervalMs = presence.IntervalMs;
        entry.AppliedAt = now;

        if (presence.Kind == PresenceKind.Bye)
        {
            entry.Gone = true;
            entry.SaidBye = true;
            entry.ExpiresAt = now + TombstoneMs;
            Keep(entry, frame);
            if (!wasOnline)
                return PresenceOutcome.Refreshed;
            OnlineCount--;
            return PresenceOutcome.Left;
        }

        entry.Gone = false;
        entry.SaidBye = false;
        entry.ExpiresAt = now + 3L * presence.IntervalMs + ExpirySlackMs;
        Keep(entry, frame);
        if (wasOnline)
            return renamed ? PresenceOutcome.Renamed : PresenceOutcome.Refreshed;
        OnlineCount++;
        return !known && presence.Kind == PresenceKind.Alive && presence.Counter == 1 ? PresenceOutcome.Joined : PresenceOutcome.Online;
    }

    /// <summary>A line of <paramref name="origin"/> arrived (checked): an online member that is still talking is alive,
    /// whether or not its announcements get through. Under a flood they wait behind its lines in the same queues, and
    /// a member pasting 300,000 lines was declared gone everywhere while its lines were still arriving.</summary>
    public void HeardFrom(ulong origin, long now)
    {
        if (_entries.TryGetValue(origin, out Entry? entry) && !entry.Gone)
            entry.ExpiresAt = Math.Max(entry.ExpiresAt, now + 3L * entry.IntervalMs + ExpirySlackMs);
    }

    /// <summary>We were stalled for <paramref name="ms"/> (NodeCore.ForgiveOwnStall): announcements that came meanwhile
    /// wait unread, so no online member's silence over that time counts.</summary>
    public void Postpone(long ms)
    {
        foreach (Entry entry in _entries.Values)
            if (!entry.Gone && entry.ExpiresAt < long.MaxValue - ms)
                entry.ExpiresAt += ms;
    }

    /// <summary>Declares silent members gone (returned, for the user to be told) and drops old tombstones.</summary>
    public List<Entry>? Expire(long now)
    {
        List<Entry>? gone = null;
        List<ulong>? dropped = null;
        foreach (Entry entry in _entries.Values)
        {
            if (now < entry.ExpiresAt)
                continue;
            if (entry.Gone)
            {
                (dropped ??= []).Add(entry.Member.NodeId);
                continue;
            }
            entry.Gone = true;
            entry.ExpiresAt = now + TombstoneMs;
            OnlineCount--;
            (gone ??= []).Add(entry);
        }
        dropped?.ForEach(node => _entries.Remove(node));
        return gone;
    }

    /// <summary>Online members, ordered by name (then id, for two users with one name).</summary>
    public List<MemberInfo> Online()
    {
        var online = new List<MemberInfo>();
        foreach (Entry entry in _entries.Values)
            if (!entry.Gone)
                online.Add(entry.Member);
        online.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name) is var byName && byName != 0 ? byName : a.NodeId.CompareTo(b.NodeId));
        return online;
    }

    /// <summary>Copies the frame into the entry's buffer, reusing it: a member's announcements all have one size.</summary>
    private static void Keep(Entry entry, ReadOnlySpan<byte> frame)
    {
        if (entry.Frame.Length != frame.Length)
            entry.Frame = new byte[frame.Length];
        frame.CopyTo(entry.Frame);
    }

    /// <summary>Forgets the oldest tombstone; false when every entry is a member online (the newcomer is refused
    /// instead: forgetting a live member would make its next announcement news again, and pass it on again).</summary>
    private bool Evict()
    {
        Entry? victim = null;
        foreach (Entry entry in _entries.Values)
            if (entry.Gone && (victim is null || entry.ExpiresAt < victim.ExpiresAt))
                victim = entry;
        if (victim is null)
            return false;
        _entries.Remove(victim.Member.NodeId);
        return true;
    }
}
