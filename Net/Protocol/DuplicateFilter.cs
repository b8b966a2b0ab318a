// Exact duplicate suppression for flooding, and the per-sender state that orders what is shown, in memory that does
// not grow with the number of messages. Per origin it keeps a base (every sequence up to it counts as seen) and a
// short sorted list of the ranges of sequences seen above it. Flooding over FIFO links delivers each path's copies
// in order, so the seen set stays a few ranges even when one path runs far ahead of another: a burst that a newly
// opened shorter path overtakes by 100,000 messages is two ranges, and every slow copy is still recognised as new or
// as a repeat, exactly. When the gaps between ranges would exceed MaxRanges, the lowest gap is given up (counted as
// seen): the bound that keeps a hostile or chaotic sender from costing memory.
// Bounded senders, and a full table refuses rather than forgets: at most MaxOrigins senders are tracked. A new sender
// at a full table takes the place of the one heard from least recently only if that one has been quiet for
// QuarantineMs (no copy of its lines can still be travelling), and the forgotten sender's highest sequence moves to
// a larger table of retired senders, so a replay of its old lines is still recognised. Otherwise the new sender's
// lines are refused: not shown, not passed on (the issue-9 loop: forgetting a sender whose copies were still
// circulating made them new again, for ever).
// The contiguous prefix (base, horizon and the ranges that continue them) is also the summary peers exchange to
// find what the other is missing (anti-entropy, HistorySync.cs).
// Where an origin starts: a newcomer seeds every origin its first peer knows with a horizon, the sequence that peer
// had (Seed): what is older was said before we joined, and is accepted only as the history that peer replays
// (--history), never from anyone else. An origin first heard otherwise starts LiveSlack below its first line, so
// older copies still on slower paths, said on the other side of a split or replayed by a peer that has them, are
// accepted when they arrive (a replay that came first is not the oldest there is: simulator seed 431). Pure
// logic; the core owns it (Flooding.cs).
namespace P2PChat.Net;

internal sealed class DuplicateFilter(int maxOrigins = DuplicateFilter.DefaultMaxOrigins)
{
    public const int DefaultMaxOrigins = 4096;
    public const int MaxRanges = 64;
    public const ulong LiveSlack = 16384;

    /// <summary>A sender quiet this long may be forgotten to make room: far longer than any copy of its lines stays in
    /// a queue (a link that holds a frame for seconds is cut as not reading).</summary>
    public const long QuarantineMs = 120_000;

    /// <summary>How long after a seeded horizon the sender's announcements start to count against it (DoubtHorizon): well
    /// past the few seconds an announcement made before our join can still come in behind the lines it preceded.</summary>
    public const long HorizonJudgeAfterMs = 5_000;

    /// <summary>Retired senders remembered (their highest sequence only) per tracked one.</summary>
    public const int RetiredPerOrigin = 4;

    internal sealed class OriginState(ulong origin, ulong floor, ulong horizon)
    {
        /// <summary>The sender this state is about.</summary>
        public readonly ulong Origin = origin;

        /// <summary>Every sequence up to Base counts as seen.</summary>
        public ulong Base = floor;

        /// <summary>Sequences up to here were said before we joined: only our history source may give them. Lowered
        /// once if the sender's own announcements show our first peer claimed more than it said (DoubtHorizon).</summary>
        public ulong Horizon = horizon;

        /// <summary>Seen sequences above Base: sorted, disjoint, never touching each other or Base.</summary>
        public readonly List<(ulong Start, ulong End)> Ranges = new(4);

        /// <summary>Time of the last accepted message, for least-recent eviction and the quarantine.</summary>
        public long LastUsed;

        /// <summary>Where our view of the sender starts: its horizon (said before we joined), or for a sender met
        /// otherwise the floor below its first line (LiveSlack) or its retired highest. Nothing at or below it is
        /// wanted, so nothing there is ever reported lost.</summary>
        public ulong Start = Math.Max(floor, horizon);

        /// <summary>Highest sequence shown or given up (DeliveryOrder); lines at or below it that arrive later are not
        /// shown. Starts at Start.</summary>
        public ulong Shown = Math.Max(floor, horizon);

        /// <summary>While a later line waits for a missing earlier one: when to give the gap up. MaxValue: no gap.</summary>
        public long GapDeadline = long.MaxValue;

        /// <summary>Lines of this sender held by DeliveryOrder.</summary>
        public int Held;

        /// <summary>Our contiguous sequence when the last repair for this sender was asked (MaxValue: none): a repair
        /// that brought nothing means the claim cannot be met (a forged or unreachable lastSeq), and is dropped.</summary>
        public ulong RepairMark = ulong.MaxValue;

        /// <summary>Repairs that brought nothing for this sender; after the first, we connect to the sender itself.</summary>
        public int FruitlessRepairs;

        /// <summary>Highest sequence the sender announced in its PRESENCE (what we should have by now), and since when
        /// we have known we are behind it (MaxValue: we are not).</summary>
        public ulong Advertised;
        public long BehindSince = long.MaxValue;

        /// <summary>Claims of this sender dropped as unmet, and until when its announcements' claims are not taken up
        /// again (Flooding.Tick: each drop doubles the wait).</summary>
        public int DroppedClaims;
        public long ClaimsIgnoredUntil;

        /// <summary>A seeded horizon is one peer's word (HistorySync): when it was seeded, whether an announcement of
        /// the sender has armed the judgement and whether one has judged it, and the lowest of its lines at or below
        /// the horizon that came live since (MaxValue: none). See DoubtHorizon.</summary>
        public long SeededAt;
        public bool HorizonArmed, HorizonJudged;
        public ulong LowestLiveBelowHorizon = ulong.MaxValue;
    }

    private readonly Dictionary<ulong, OriginState> _origins = new();

    // Forgotten senders: origin -> highest sequence seen. Oldest first in _retiredOrder.
    private readonly Dictionary<ulong, ulong> _retired = new();
    private readonly Queue<ulong> _retiredOrder = new();

    // Summary's sort, kept between calls (one a link that opens).
    private readonly List<(ulong Origin, long Used)> _bySending = [];

    public int OriginCount => _origins.Count;

    public int MaxOrigins => maxOrigins;

    public int RetiredCount => _retired.Count;

    /// <summary>Lines refused because the table was full of senders heard from recently.</summary>
    public long Refused { get; private set; }

    /// <summary>Judges <paramref name="id"/>, recording it when new. <paramref name="replayed"/>: it came as REPLAY;
    /// <paramref name="fromHistorySource"/>: from the peer whose horizon we took (see Seed).</summary>
    public Admission Admit(MessageId id, long now, bool replayed = false, bool fromHistorySource = false)
    {
        LastAdmitted = null;
        ulong seq = id.Seq;
        if (seq == 0)
            return Admission.Seen;
        if (!_origins.TryGetValue(id.Origin, out OriginState? state))
        {
            // Earlier lines of a sender met mid-stream may still come, live on slower paths or replayed by others.
            ulong floor = seq > LiveSlack ? seq - 1 - LiveSlack : 0;
            bool retired = _retired.TryGetValue(id.Origin, out ulong highest);
            if (retired)
            {
                if (seq <= highest)
                    return Admission.Seen;
                floor = Math.Max(floor, highest);
            }
            if (_origins.Count >= maxOrigins && !TryEvict(now))
            {
                Refused++;
                return Admission.Refused;
            }
            if (retired)
                _retired.Remove(id.Origin); // its place in _retiredOrder is skipped when reached
            state = new OriginState(id.Origin, floor, horizon: 0);
            _origins.Add(id.Origin, state);
        }
        LastAdmitted = state;
        bool history = seq <= state.Horizon;
        if (seq <= state.Base)
            return Admission.Seen;
        if (history && !(replayed && fromHistorySource))
        {
            if (!replayed && seq < state.LowestLiveBelowHorizon)
                state.LowestLiveBelowHorizon = seq; // evidence for DoubtHorizon, if the sender's word comes
            return Admission.Seen;
        }
        if (!Insert(state, seq))
            return Admission.Seen;
        state.LastUsed = now;
        return history ? Admission.History : Admission.New;
    }

    /// <summary>Whether Admit would call <paramref name="id"/> seen whatever it came as (at or below the base, in a seen
    /// range, or below a retired sender's highest), without recording anything: a copy Flooding can drop unchecked.</summary>
    public bool HasSeen(MessageId id)
    {
        if (id.Seq == 0)
            return true;
        if (!_origins.TryGetValue(id.Origin, out OriginState? state))
            return _retired.TryGetValue(id.Origin, out ulong highest) && id.Seq <= highest;
        return id.Seq <= state.Base || !IsUnseenAbove(state, id.Seq);
    }

    /// <summary>Records <paramref name="id"/>; true the first time it is seen (Admit without time, for tests).</summary>
    public bool TryAccept(MessageId id, bool replayed = false, bool fromHistorySource = false) =>
        Admit(id, 0, replayed, fromHistorySource) is Admission.New or Admission.History;

    /// <summary>The state of the origin Admit judged last (null when refused): saves the caller a second lookup.</summary>
    internal OriginState? LastAdmitted { get; private set; }

    /// <summary>Whether Admit would call <paramref name="seq"/> of this tracked sender new (live, not yet seen), without
    /// recording it.</summary>
    internal static bool IsUnseen(OriginState state, ulong seq) =>
        seq > state.Base && seq > state.Horizon && IsUnseenAbove(state, seq);

    /// <summary>Whether <paramref name="seq"/> is in none of the seen ranges above the base.</summary>
    private static bool IsUnseenAbove(OriginState state, ulong seq)
    {
        foreach ((ulong start, ulong end) in state.Ranges)
            if (seq >= start && seq <= end)
                return false;
        return true;
    }

    /// <summary>The state of a tracked origin, or null.</summary>
    internal OriginState? Find(ulong origin) => _origins.GetValueOrDefault(origin);

    /// <summary>All tracked origins, for the periodic checks of DeliveryOrder and Flooding.</summary>
    internal Dictionary<ulong, OriginState>.ValueCollection States => _origins.Values;

    /// <summary>A newcomer's view of an origin its first peer knows: everything up to <paramref name="horizon"/>
    /// was said before we joined. No effect on an origin already known, or when the table is full.</summary>
    public void Seed(ulong origin, ulong horizon, long now)
    {
        if (_origins.ContainsKey(origin) || _retired.ContainsKey(origin))
            return;
        if (_origins.Count >= maxOrigins && !TryEvict(now))
            return;
        _origins.Add(origin, new OriginState(origin, floor: 0, horizon) { LastUsed = now, SeededAt = now });
    }

    /// <summary>The sender announced (signed, its own word) that it has said <paramref name="announced"/> lines, fewer
    /// than the horizon our first peer's SYNC seeded: a hostile first peer claimed lines the sender never said, and
    /// every live line of the sender up to that made-up horizon would be taken for history we already had: silenced
    /// here until the sender restarts. The horizon is lowered to what the sender announced, or below its lowest line
    /// that came live since (dropped then as before our time): the lines above it are wanted again, and a repair
    /// fetches them (the caller's Tick, as for any line we lack). Only the second announcement taken HorizonJudgeAfterMs
    /// or more after the seed, once our history is in, judges (announcements are taken in the order the sender made
    /// them): one taken sooner, or the first after that, may have been made before lines our first peer already had
    /// (the copy a peer hands over with its roster, even one met long after the join because our first link died
    /// before its roster came; or, when our first peer got the lines by a repair, the sender's newer announcement still
    /// on its way to it behind them), and an honest horizon is above that. Not once anything of the sender above the
    /// horizon was seen or shown (the horizon proved true), nor below a line of it that we have. True: lowered.</summary>
    internal static bool DoubtHorizon(OriginState state, ulong announced, long now, bool awaitingHistory)
    {
        if (state.Horizon == 0 || state.HorizonJudged || awaitingHistory || now - state.SeededAt < HorizonJudgeAfterMs)
            return false; // not seeded, judged already, or too soon to tell
        if (!state.HorizonArmed)
        {
            state.HorizonArmed = true; // perhaps a roster's old copy: the next one was made after it
            return false;
        }
        state.HorizonJudged = true;
        if (announced >= state.Horizon || state.Shown != state.Horizon || state.Held > 0
            || (state.Ranges.Count > 0 && state.Ranges[^1].End > state.Horizon))
            return false;
        // Never below a line of the sender we already have (our history replay of it): the sender said that much, so an
        // announcement below it is the sender's own lie, and lowering past it would leave lines we showed as wanted.
        ulong had = state.Ranges.Count > 0 ? state.Ranges[^1].End : state.Base;
        ulong lowered = Math.Max(had, Math.Min(announced, state.LowestLiveBelowHorizon - 1));
        if (lowered >= state.Horizon)
            return false;
        state.Horizon = state.Start = state.Shown = lowered;
        return true;
    }

    /// <summary>Makes room by forgetting the least recently heard sender, if it has been quiet for QuarantineMs.</summary>
    private bool TryEvict(long now)
    {
        // O(origins), but only when a new sender arrives at a full table.
        ulong oldest = 0;
        OriginState? oldestState = null;
        foreach ((ulong origin, OriginState state) in _origins)
            if (oldestState is null || state.LastUsed < oldestState.LastUsed)
                (oldest, oldestState) = (origin, state);
        if (oldestState is null || now - oldestState.LastUsed < QuarantineMs || oldestState.GapDeadline != long.MaxValue)
            return false;
        _origins.Remove(oldest);
        ulong highest = oldestState.Ranges.Count > 0 ? oldestState.Ranges[^1].End : Math.Max(oldestState.Base, oldestState.Horizon);
        Retire(oldest, highest);
        return true;
    }

    private void Retire(ulong origin, ulong highest)
    {
        while (_retired.Count >= maxOrigins * RetiredPerOrigin && _retiredOrder.TryDequeue(out ulong old))
            _retired.Remove(old);
        if (_retiredOrder.Count > 2 * maxOrigins * RetiredPerOrigin)
        {
            // Mostly ids of senders that came back since: rebuild from the dictionary, which is the truth.
            _retiredOrder.Clear();
            foreach (ulong kept in _retired.Keys)
                _retiredOrder.Enqueue(kept);
        }
        if (_retired.TryAdd(origin, highest))
            _retiredOrder.Enqueue(origin);
    }

    /// <summary>For the summary: the sequence of <paramref name="origin"/> up to which this node has everything it
    /// wants (all of it, from its first contact with the sender on); 0 if unknown.</summary>
    public ulong ContiguousOf(ulong origin) => _origins.TryGetValue(origin, out OriginState? state) ? Contiguous(state) : 0;

    /// <summary>Fills <paramref name="summary"/> with (origin, contiguous) of the <paramref name="max"/> origins heard
    /// from most recently, most recent first.</summary>
    public void Summary(int max, List<(ulong Origin, ulong Contiguous)> summary)
    {
        _bySending.Clear();
        foreach ((ulong origin, OriginState state) in _origins)
            _bySending.Add((origin, state.LastUsed));
        _bySending.Sort(static (a, b) => b.Used.CompareTo(a.Used));
        summary.Clear();
        for (int i = 0; i < Math.Min(max, _bySending.Count); i++)
            summary.Add((_bySending[i].Origin, Contiguous(_origins[_bySending[i].Origin])));
    }

    /// <summary>Seen ranges above the base, for tests and diagnostics.</summary>
    public int RangeCountOf(ulong origin) => _origins.TryGetValue(origin, out OriginState? state) ? state.Ranges.Count : 0;

    internal static ulong Contiguous(OriginState state)
    {
        // Up to the horizon we want nothing more (it is before our time); above it, as far as the ranges run on.
        ulong contiguous = Math.Max(state.Base, state.Horizon);
        foreach ((ulong start, ulong end) in state.Ranges)
            if (start <= contiguous + 1 && end > contiguous)
                contiguous = end;
        return contiguous;
    }

    /// <summary>Adds <paramref name="seq"/> (above Base) to the ranges; false if it was already there.</summary>
    private static bool Insert(OriginState state, ulong seq)
    {
        List<(ulong Start, ulong End)> ranges = state.Ranges;
        // The common cases first: the next in order of the last range, or of the base.
        int count = ranges.Count;
        if (count > 0 && seq == ranges[count - 1].End + 1)
        {
            ranges[count - 1] = (ranges[count - 1].Start, seq);
            return true;
        }
        if (count == 0 && seq == state.Base + 1)
        {
            state.Base = seq;
            return true;
        }

        // Index of the first range that ends at or after seq - 1 (the one seq may join or sit before).
        int i = 0;
        while (i < count && ranges[i].End + 1 < seq)
            i++;
        if (i < count && ranges[i].Start <= seq && seq <= ranges[i].End)
            return false;
        bool joinsBelow = i < count && ranges[i].End + 1 == seq;
        bool joinsAbove = false;
        int above = joinsBelow ? i + 1 : i;
        if (above < count && ranges[above].Start == seq + 1)
            joinsAbove = true;

        if (joinsBelow && joinsAbove)
        {
            ranges[i] = (ranges[i].Start, ranges[above].End);
            ranges.RemoveAt(above);
        }
        else if (joinsBelow)
        {
            ranges[i] = (ranges[i].Start, seq);
        }
        else if (joinsAbove)
        {
            ranges[above] = (seq, ranges[above].End);
        }
        else
        {
            ranges.Insert(i, (seq, seq));
        }

        // Fold the first range into the base when it touches it; give up the lowest gap when there are too many.
        if (ranges[0].Start == state.Base + 1)
        {
            state.Base = ranges[0].End;
            ranges.RemoveAt(0);
        }
        else if (ranges.Count > MaxRanges)
        {
            state.Base = ranges[0].End;
            ranges.RemoveAt(0);
        }
        return true;
    }

    /// <summary>Counts everything up to <paramref name="seq"/> as seen (a gap given up: nothing below it is wanted any
    /// more, and the summary no longer asks for it).</summary>
    internal static void GiveUpBelow(OriginState state, ulong seq)
    {
        if (seq <= state.Base)
            return;
        state.Base = seq;
        List<(ulong Start, ulong End)> ranges = state.Ranges;
        while (ranges.Count > 0 && ranges[0].Start <= state.Base + 1)
        {
            state.Base = Math.Max(state.Base, ranges[0].End);
            ranges.RemoveAt(0);
        }
    }
}
