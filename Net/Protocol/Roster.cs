// Who is in the network, learned from flooded PRESENCE frames. Each member announces itself every interval with
// a growing counter; a frame whose counter is not above the last one seen from its origin is a copy and is dropped
// (that is also what stops the flood). A member is declared gone when a suspicion of it (SUSPECT: a neighbour lost
// its last link to it) goes unrefuted for SuspectMs, or, as a last resort when none of its neighbours survived it to
// say so, when nothing new was heard from it for three of its intervals. Gone members stay as tombstones for a
// while, so a late copy of an old announcement cannot bring them back. Bounded: at most `capacity` entries; a
// tombstone a minute old makes room, a member online never does (a new member is refused instead). Pure logic, owned
// by Presence.cs.
namespace P2PChat.Net;

internal sealed class Roster(int capacity = Protocol.MaxMembers)
{
    /// <summary>How long a gone member is remembered at least, so stale copies of its announcements are recognised;
    /// longer when its lease is (TombstoneFor).</summary>
    public const long TombstoneMs = 5 * 60 * 1000;

    /// <summary>Stalls of ours adding up to this since the last news of a member online here (Postpone) leave it
    /// unvouched for: while we were stopped it may have left and every other node forgotten it (tombstones last
    /// TombstoneMs at least), so its old announcement handed on would be news again, and the member online everywhere
    /// for three of its intervals. Half the tombstones' life, for the time it takes to link again.</summary>
    public const long UnvouchedAfterStallMs = TombstoneMs / 2;

    /// <summary>How long the tombstone of a member that declared <paramref name="intervalMs"/> stays: as long as the lease
    /// any node may still hold on it (three intervals and the slack), and TombstoneMs at least. Shorter, and a node that
    /// was cut off while the member left (its lease on it running on) handed the announcement back, after 5 minutes, to
    /// nodes that had forgotten the departure: in a network of more than 50 members the lease is the longer.</summary>
    public static long TombstoneFor(uint intervalMs) => Math.Max(TombstoneMs, 3L * intervalMs + ExpirySlackMs);

    /// <summary>A full roster makes room from a tombstone only once it is this old: a younger one still meets copies of
    /// the member's last announcement (on their way, or handed on by a node that was cut off or stopped while it left),
    /// and without it each would bring the member back for three of its intervals, and the node hand it on again. Past
    /// the cap rosters are always full, so a tombstone went at the next newcomer (simulator, large runs).</summary>
    public const long EvictableAfterMs = 60_000;

    /// <summary>Grace on top of three intervals for frames delayed behind a burst of chat in a queue.</summary>
    public const long ExpirySlackMs = 1000;

    /// <summary>How long a suspicion waits for the member's refutation (a newer announcement) before every node
    /// declares it gone. A refutation crosses the network in milliseconds; this is for a loaded one.</summary>
    public const long SuspectMs = 3000;

    /// <summary>The longest pacing gap (TooSoon): in a big network a member announces once in many minutes, but a
    /// rename or a refutation must still get through within a second or so.</summary>
    public const long MaxGapMs = 1000;

    internal sealed class Entry(MemberInfo member)
    {
        /// <summary>As its latest announcement describes it (a new record when it renames itself).</summary>
        public MemberInfo Member { get; set; } = member;

        public ulong Counter { get; set; }
        public uint IntervalMs { get; set; }

        /// <summary>TooSoon's clock (GCRA's theoretical arrival time): each announcement taken moves it a gap on.</summary>
        public long PaceClock { get; set; } = long.MinValue / 2;

        /// <summary>Live: when it is declared gone without news. Gone: when the tombstone is dropped.</summary>
        public long ExpiresAt { get; set; }

        public bool Gone { get; set; }

        /// <summary>Gone because it said BYE (passed on to newcomers), rather than because it fell silent.</summary>
        public bool SaidBye { get; set; }

        /// <summary>Its latest announcement as received (length prefix included), handed to new neighbours.</summary>
        public byte[] Frame { get; set; } = [];

        /// <summary>When a suspicion of its current counter arrived (long.MaxValue: none). A newer announcement clears it.</summary>
        public long SuspectedAt { get; set; } = long.MaxValue;

        /// <summary>That suspicion (a SUSPECT frame), handed to new neighbours while it runs, and after it made the member
        /// gone to a neighbour that still counts it online (Presence.OnPresence).</summary>
        public byte[]? Suspicion { get; set; }

        public bool Suspected => SuspectedAt != long.MaxValue;

        /// <summary>The counter the running suspicion named: only an announcement above it refutes it. It may be above
        /// Counter: the suspecter had a newer announcement than we do (we were cut off when it came).</summary>
        public ulong SuspectCounter { get; set; }

        /// <summary>The counter of the first announcement of it we took (0: none yet), and until when copies of it may
        /// prune the paths its first line would otherwise flood (Flooding.OnAnnouncementCopy).</summary>
        public ulong TreeCounter { get; set; }

        /// <inheritdoc cref="TreeCounter"/>
        public long TreeUntil { get; set; }

        /// <summary>Why Expire declared it gone: its silence in ms (Departure).</summary>
        public long SilentMs { get; set; }

        /// <summary>Online, but last heard of before stalls of ours of UnvouchedAfterStallMs in all: kept and shown, but
        /// not handed to neighbours (ROSTER, WANT) until news of it comes again: a newer announcement, or a neighbour's
        /// ROSTER that counts it online at this counter (Vouch).</summary>
        public bool Unvouched => StalledMs >= UnvouchedAfterStallMs;

        /// <summary>Our stalls since the last news of it (Postpone), added up.</summary>
        public long StalledMs { get; set; }
    }

    private readonly Dictionary<ulong, Entry> _entries = [];

    /// <summary>No entry needs Expire before this: the least expiry and suspicion deadline as of the last walk, lowered
    /// whenever one is set earlier. Expire runs on every tick of every node, and walking 1,000 entries four times a
    /// second in each of 1,000 nodes was a quarter of the CPU of that network idle in one process; most ticks now
    /// return at once. Only ever too early (a deadline pushed later leaves it low), which costs one walk.</summary>
    private long _nextCheck = long.MaxValue;

    public int Count => _entries.Count;

    /// <summary>Whether a member not held now could not be taken (past the cap, members go unlisted).</summary>
    public bool IsFull => _entries.Count >= capacity;

    /// <summary>When Expire next has anything to do (long.MaxValue: never, as things stand).</summary>
    public long NextCheck => _nextCheck;

    /// <summary>Records that an entry needs looking at by <paramref name="at"/>.</summary>
    private void Due(long at) => _nextCheck = Math.Min(_nextCheck, at);

    public int OnlineCount { get; private set; }

    /// <summary>Announcements of new members refused because the roster was full of members online.</summary>
    public long Refused { get; private set; }

    /// <summary>Every entry, online or gone (the collection's own type: a foreach over it boxes no enumerator, and the
    /// tag readers are chosen from it every second).</summary>
    public Dictionary<ulong, Entry>.ValueCollection Entries => _entries.Values;

    /// <summary>An announcement from a member online here comes faster than one per half the interval it declared last
    /// time (GapMs: 50 ms .. 1 s), beyond a burst of PaceBurst: an honest member announces once per interval (or on a
    /// rename or a refutation, a gap apart), so this is a member flooding announcements, which every node would check
    /// and pass on. Dropped here (a later one, or a copy by a slower path, is taken). Never while we suspect the member:
    /// its refutation must get through.</summary>
    public bool TooSoon(ulong origin, long now) =>
        _entries.TryGetValue(origin, out Entry? entry) && !entry.Gone && !entry.Suspected
        && Math.Max(entry.PaceClock, now) + GapMs(entry.IntervalMs) - now > PaceBurst * GapMs(entry.IntervalMs);

    /// <summary>Announcements of a member TooSoon takes at once before it paces them: announcements rare at their source
    /// can still come close together to a node that was behind (stopped, or on a slow path), and in a big network a
    /// dropped one is not followed by another for minutes.</summary>
    public const int PaceBurst = 3;

    /// <summary>The pacing gap of a member that declares <paramref name="intervalMs"/>: half of it, within MinGapMs..MaxGapMs.</summary>
    public static long GapMs(uint intervalMs) => Math.Clamp(intervalMs / 2, MinGapMs, MaxGapMs);

    /// <summary>The entry of <paramref name="node"/>, online or gone, if the roster has one.</summary>
    public Entry? Get(ulong node) => _entries.GetValueOrDefault(node);

    /// <summary>Starts the suspicion <paramref name="frame"/> of an online member; every node declares it gone SuspectMs
    /// later unless a newer announcement of it comes first.</summary>
    public void Suspect(Entry entry, ulong counter, ReadOnlySpan<byte> frame, long now)
    {
        entry.SuspectedAt = now;
        entry.SuspectCounter = counter;
        entry.Suspicion = frame.ToArray();
        Due(now + SuspectMs);
    }

    /// <summary>The least gap TooSoon allows, whatever interval a member declares.</summary>
    public const long MinGapMs = 50;

    /// <summary>An announcement not newer than the last one seen from its origin: a copy, dropped unchecked.</summary>
    public bool IsCopy(ulong origin, ulong counter) => _entries.TryGetValue(origin, out Entry? entry) && counter <= entry.Counter;

    /// <summary>The member <paramref name="node"/> while online, else null.</summary>
    public MemberInfo? Find(ulong node) => _entries.TryGetValue(node, out Entry? entry) && !entry.Gone ? entry.Member : null;

    public bool IsOnline(ulong node) => _entries.TryGetValue(node, out Entry? entry) && !entry.Gone;

    /// <summary>Whether <paramref name="node"/> has an entry here, online or gone: it announced itself with its key once.</summary>
    public bool Holds(ulong node) => _entries.ContainsKey(node);

    /// <summary>Applies one PRESENCE frame (<paramref name="frame"/> is the whole frame, kept for handing on).</summary>
    public PresenceOutcome Apply(in PresenceView presence, ReadOnlySpan<byte> frame, long now, out MemberInfo? member)
    {
        member = null;
        bool known = _entries.TryGetValue(presence.Origin, out Entry? entry);
        if (known && presence.Counter <= entry!.Counter)
            return PresenceOutcome.Stale;
        if (known && entry!.Gone && !entry.SaidBye && entry.Suspicion is not null && presence.Counter <= entry.SuspectCounter)
            return PresenceOutcome.Stale; // older than what an unrefuted suspicion named: it would be online for a moment, then gone again
        if (!known)
        {
            if (_entries.Count >= capacity && !Evict(now))
            {
                Refused++;
                return PresenceOutcome.Stale; // full of members online: refused, and not passed on (no loop)
            }
            entry = new Entry(new MemberInfo(presence.Origin, System.Text.Encoding.UTF8.GetString(presence.Name)));
            entry.Gone = true; // not online until the checks below say so
            _entries.Add(presence.Origin, entry);
        }
        bool wasOnline = !entry!.Gone;
        bool renamed = known && !presence.Name.SequenceEqual(NameIn(entry.Frame));
        if (renamed)
            entry.Member = entry.Member with { Name = System.Text.Encoding.UTF8.GetString(presence.Name) };
        if (presence.Counter > entry.SuspectCounter)
        {
            entry.SuspectedAt = long.MaxValue; // refuted, or never suspected
            entry.Suspicion = null;
        }
        entry.Counter = presence.Counter;
        entry.IntervalMs = presence.IntervalMs;
        Vouch(entry);
        // A neighbour's roster hands on announcements of any age (Present): the member's next one, which may come a moment
        // later, is not too soon after it. Dropping it meant waiting out a whole interval, minutes in a big network.
        if (presence.Kind != PresenceKind.Present)
            entry.PaceClock = Math.Max(entry.PaceClock, now) + GapMs(presence.IntervalMs);

        if (presence.Kind == PresenceKind.Bye)
        {
            entry.Gone = true;
            entry.SaidBye = true;
            entry.ExpiresAt = now + TombstoneFor(entry.IntervalMs);
            Due(entry.ExpiresAt);
            member = Keep(entry, presence, frame);
            if (!wasOnline)
                return PresenceOutcome.Refreshed;
            OnlineCount--;
            return PresenceOutcome.Left;
        }

        entry.Gone = false;
        entry.SaidBye = false;
        entry.ExpiresAt = now + 3L * presence.IntervalMs + ExpirySlackMs;
        Due(entry.ExpiresAt);
        member = Keep(entry, presence, frame);
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
        // Not a voucher (Unvouched): a line can be old, replayed when we link again after a stall, or read late from
        // the kernel's buffer, and its author gone since.
        if (_entries.TryGetValue(origin, out Entry? entry) && !entry.Gone)
            entry.ExpiresAt = Math.Max(entry.ExpiresAt, now + 3L * entry.IntervalMs + ExpirySlackMs);
    }

    /// <summary>News of <paramref name="entry"/> (a newer announcement, or a neighbour's ROSTER that counts it online at
    /// the counter we hold): not a member only our stalls kept (Unvouched).</summary>
    public static void Vouch(Entry entry) => entry.StalledMs = 0;

    /// <summary>We were stalled for <paramref name="ms"/> (NodeCore.ForgiveOwnStall): announcements that came meanwhile
    /// wait unread, so no online member's silence over that time counts.</summary>
    public void Postpone(long ms)
    {
        foreach (Entry entry in _entries.Values)
        {
            if (!entry.Gone && entry.ExpiresAt < long.MaxValue - ms)
                entry.ExpiresAt += ms;
            if (!entry.Gone && entry.Suspected)
                entry.SuspectedAt += ms;
            if (!entry.Gone)
                entry.StalledMs += ms; // stalls add up (Unvouched): several short suspends are one long absence
        }
    }

    /// <summary>Declares silent members gone (returned, for the user to be told) and drops old tombstones.</summary>
    public List<Entry>? Expire(long now)
    {
        if (now < _nextCheck)
            return null;
        List<Entry>? gone = null;
        List<ulong>? dropped = null;
        long next = long.MaxValue;
        foreach (Entry entry in _entries.Values)
        {
            bool unrefuted = !entry.Gone && now - entry.SuspectedAt >= SuspectMs;
            if (now < entry.ExpiresAt && !unrefuted)
            {
                next = Math.Min(next, entry.Gone || !entry.Suspected ? entry.ExpiresAt : Math.Min(entry.ExpiresAt, entry.SuspectedAt + SuspectMs));
                continue;
            }
            if (entry.Gone)
            {
                (dropped ??= []).Add(entry.Member.NodeId);
                continue;
            }
            entry.SilentMs = unrefuted ? now - entry.SuspectedAt : 3L * entry.IntervalMs + ExpirySlackMs;
            entry.Gone = true;
            entry.ExpiresAt = now + TombstoneFor(entry.IntervalMs);
            next = Math.Min(next, entry.ExpiresAt);
            OnlineCount--;
            (gone ??= []).Add(entry);
        }
        _nextCheck = next;
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

    /// <summary>Keeps the frame as the entry's latest announcement and returns the member as it is now. The member's
    /// keys are read in the first one kept and stay as they were then, as they did when they were copies of their own.
    /// An honest member's keys are the same in every announcement (its box key is derived from its identity); one that
    /// changes them (only the box key is merely signed, or two keys made to share a node id) gets a new copy, so bytes
    /// already handed out (MemberInfo.Key and Box, which the UI thread reads) never change under their reader. Otherwise
    /// the copy is reused: a member's announcements all have one size until it renames itself.</summary>
    private static MemberInfo Keep(Entry entry, in PresenceView presence, ReadOnlySpan<byte> frame)
    {
        bool first = entry.Frame.Length == 0;
        bool sameKeys = !first && presence.Key.SequenceEqual(entry.Member.Key.Span) && presence.Box.SequenceEqual(entry.Member.Box.Span);
        if (sameKeys && entry.Frame.Length == frame.Length)
        {
            frame.CopyTo(entry.Frame);
            return entry.Member;
        }
        entry.Frame = frame.ToArray();
        if (first || sameKeys)
        {
            ReadOnlyMemory<byte> kept = entry.Frame.AsMemory(entry.Frame.Length - Protocol.PresenceTrailerSize);
            entry.Member = entry.Member with { Key = kept[..Protocol.KeySize], Box = kept.Slice(Protocol.KeySize + 8, Protocol.KeySize) };
        }
        return entry.Member;
    }

    /// <summary>The name in a kept announcement (as FrameReader.TryParsePresence finds it); empty before the first.</summary>
    private static ReadOnlySpan<byte> NameIn(byte[] frame) =>
        frame.Length == 0 ? [] : frame.AsSpan()[(Protocol.LengthPrefixSize + Protocol.PresenceHeaderSize)..^Protocol.PresenceTrailerSize];

    /// <summary>Forgets, of the tombstones EvictableAfterMs old, the one whose time runs out first; false when there is
    /// none (the newcomer is refused instead: forgetting a live member would make its next announcement news again, and
    /// pass it on again).</summary>
    private bool Evict(long now)
    {
        Entry? victim = null;
        foreach (Entry entry in _entries.Values)
            if (entry.Gone && now - (entry.ExpiresAt - TombstoneFor(entry.IntervalMs)) >= EvictableAfterMs
                && (victim is null || entry.ExpiresAt < victim.ExpiresAt))
                victim = entry;
        if (victim is null)
            return false;
        _entries.Remove(victim.Member.NodeId);
        return true;
    }
}
