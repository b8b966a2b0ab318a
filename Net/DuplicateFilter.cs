// Exact duplicate suppression for flooding, in memory that does not grow with the number of messages.
// Per origin it keeps a base (every sequence up to it counts as seen) and a short sorted list of the ranges of
// sequences seen above it. Flooding over FIFO links delivers each path's copies in order, so the seen set stays a
// few ranges even when one path runs far ahead of another: a burst that a newly opened shorter path overtakes by
// 100,000 messages is two ranges, and every slow copy is still recognised as new or as a repeat, exactly. (The
// earlier design, a 16,384-bit window below the highest sequence like IPsec's anti-replay window, lost what the
// slow path still carried once the fast path was that far ahead.) When the gaps between ranges would exceed
// MaxRanges, the lowest gap is given up (counted as seen): the bound that keeps a hostile or chaotic sender from
// costing memory. At most MaxOrigins senders are tracked; past that, the one heard from least recently is forgotten.
// The contiguous prefix (base, horizon and the ranges that continue them) is also the summary peers exchange to
// find what the other is missing (anti-entropy, ChatNode.Sync.cs).
// Where an origin starts: a newcomer seeds every origin its first peer knows with a horizon, the sequence that
// peer had (Seed): what is older was said before we joined, and is accepted only as the history that peer replays
// (--history), never from anyone else, so a --history 0 peer shows none of it even when a later newcomer's history
// floods past. An origin first heard otherwise starts at its first message: a replayed one (history, sent oldest
// first) just below itself, a live one LiveSlack below itself, so older live copies still on slower paths (or said
// on the other side of a split) are accepted when they arrive. Not thread-safe: the node calls it under its flood lock.
namespace P2PChat.Net;

internal sealed class DuplicateFilter(int maxOrigins = DuplicateFilter.DefaultMaxOrigins)
{
    public const int DefaultMaxOrigins = 1024;
    public const int MaxRanges = 64;
    public const ulong LiveSlack = 16384;

    private sealed class OriginState(ulong floor, ulong horizon)
    {
        /// <summary>Every sequence up to Base counts as seen.</summary>
        public ulong Base = floor;

        /// <summary>Sequences up to here were said before we joined: only our history source may give them.</summary>
        public readonly ulong Horizon = horizon;

        /// <summary>Seen sequences above Base: sorted, disjoint, never touching each other or Base.</summary>
        public readonly List<(ulong Start, ulong End)> Ranges = new(4);

        /// <summary>Value of the filter's clock at the last accepted message, for least-recent eviction.</summary>
        public long LastUsed;
    }

    private readonly Dictionary<ulong, OriginState> _origins = new();
    private long _clock;

    public int OriginCount => _origins.Count;

    /// <summary>Records <paramref name="id"/>; true the first time it is seen, false for every repeat.
    /// <paramref name="fromHistorySource"/>: it came from the peer whose horizon we took (see Seed).
    /// <paramref name="fromOrigin"/>: it came live straight from the peer that said it, so it was said just now, even
    /// if below a horizon that peer's own SYNC gave us a moment earlier on another link (two links opening at once).</summary>
    public bool TryAccept(MessageId id, bool replayed = false, bool fromHistorySource = false, bool fromOrigin = false)
    {
        ulong seq = id.Seq;
        if (seq == 0)
            return false;
        if (!_origins.TryGetValue(id.Origin, out OriginState? state))
        {
            ulong floor = replayed ? seq - 1 : seq > LiveSlack ? seq - 1 - LiveSlack : 0;
            state = Add(id.Origin, new OriginState(floor, horizon: 0));
        }
        bool allowedBelowHorizon = replayed ? fromHistorySource : fromOrigin;
        if (seq <= state.Base || (seq <= state.Horizon && !allowedBelowHorizon) || !Insert(state, seq))
            return false;
        state.LastUsed = ++_clock;
        return true;
    }

    /// <summary>A newcomer's view of an origin its first peer knows: everything up to <paramref name="horizon"/>
    /// was said before we joined. No effect on an origin already known.</summary>
    public void Seed(ulong origin, ulong horizon)
    {
        if (!_origins.ContainsKey(origin))
            Add(origin, new OriginState(floor: 0, horizon)).LastUsed = ++_clock;
    }

    private OriginState Add(ulong origin, OriginState state)
    {
        if (_origins.Count >= maxOrigins)
            EvictLeastRecent();
        _origins.Add(origin, state);
        return state;
    }

    /// <summary>For the summary: the sequence of <paramref name="origin"/> up to which this node has everything it
    /// wants (all of it, from its first contact with the sender on); 0 if unknown.</summary>
    public ulong ContiguousOf(ulong origin) => _origins.TryGetValue(origin, out OriginState? state) ? Contiguous(state) : 0;

    /// <summary>(origin, contiguous) of the <paramref name="max"/> origins heard from most recently.</summary>
    public List<(ulong Origin, ulong Contiguous)> Summary(int max)
    {
        var all = new List<(ulong Origin, ulong Contiguous, long Used)>(_origins.Count);
        foreach ((ulong origin, OriginState state) in _origins)
            all.Add((origin, Contiguous(state), state.LastUsed));
        all.Sort((a, b) => b.Used.CompareTo(a.Used));
        return all.Take(max).Select(e => (e.Origin, e.Contiguous)).ToList();
    }

    /// <summary>Seen ranges above the base, for tests and diagnostics.</summary>
    public int RangeCountOf(ulong origin) => _origins.TryGetValue(origin, out OriginState? state) ? state.Ranges.Count : 0;

    private static ulong Contiguous(OriginState state)
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

    private void EvictLeastRecent()
    {
        // O(origins), but only when a new sender arrives at a full table.
        ulong oldest = 0;
        long oldestUse = long.MaxValue;
        foreach ((ulong origin, OriginState state) in _origins)
            if (state.LastUsed < oldestUse)
                (oldest, oldestUse) = (origin, state.LastUsed);
        _origins.Remove(oldest);
    }
}
