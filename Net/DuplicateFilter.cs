// Exact duplicate suppression for flooding, in memory that does not grow with the number of messages.
// Per origin it keeps the highest sequence seen and a bitmap of the Window sequences below it (the
// anti-replay window of IPsec, RFC 4303 section 3.4.3). A sequence below the window counts as seen: flooding
// delivers every copy of a message long before Window (16,384) newer messages of the same sender, unless a fast
// sender floods a slow path much faster than it drains (see the note in docs/PROTOCOL.md).
// At most MaxOrigins senders are tracked; past that the one heard from least recently is forgotten.
// It also tracks, per origin, the contiguous prefix it has (every sequence up to Contiguous seen): that is the
// summary peers exchange to find what the other is missing (anti-entropy, ChatNode.Sync.cs). The first message
// heard from an origin sets where its prefix starts: a replayed one (history, sent oldest first) at itself, a live
// one LiveSlack below itself, so live copies that overtook each other on different paths are still all accepted.
// Not thread-safe: the node calls it under its flood lock.
namespace P2PChat.Net;

internal sealed class DuplicateFilter(int maxOrigins = DuplicateFilter.DefaultMaxOrigins)
{
    public const int DefaultMaxOrigins = 1024;
    public const int Window = 16384;
    public const int LiveSlack = Window - 1;
    private const int Words = Window / 64;

    private sealed class OriginState
    {
        /// <summary>Highest sequence seen.</summary>
        public ulong Highest;

        /// <summary>Every sequence up to this one counts as seen; never above Highest.</summary>
        public ulong Contiguous;

        /// <summary>Bit (s mod Window) is set when sequence s in (Highest - Window, Highest] was seen.</summary>
        public readonly ulong[] Bits = new ulong[Words];

        /// <summary>Value of the filter's clock at the last accepted message, for least-recent eviction.</summary>
        public long LastUsed;
    }

    private readonly Dictionary<ulong, OriginState> _origins = new();
    private long _clock;

    public int OriginCount => _origins.Count;

    /// <summary>Records <paramref name="id"/>; true the first time it is seen, false for every repeat.</summary>
    public bool TryAccept(MessageId id, bool replayed = false)
    {
        if (id.Seq == 0)
            return false;
        ulong seq = id.Seq;
        if (!_origins.TryGetValue(id.Origin, out OriginState? state))
        {
            if (_origins.Count >= maxOrigins)
                EvictLeastRecent();
            ulong start = replayed ? seq - 1 : seq > LiveSlack ? seq - 1 - LiveSlack : 0;
            state = new OriginState { Highest = start, Contiguous = start };
            _origins.Add(id.Origin, state);
        }
        if (seq <= state.Contiguous)
            return false;
        bool accepted = Mark(state, seq);
        if (accepted)
            Advance(state);
        return accepted;
    }

    /// <summary>Highest sequence of <paramref name="origin"/> up to which everything was seen; 0 if unknown.</summary>
    public ulong ContiguousOf(ulong origin) => _origins.TryGetValue(origin, out OriginState? state) ? state.Contiguous : 0;

    /// <summary>(origin, contiguous) of the <paramref name="max"/> origins heard from most recently.</summary>
    public List<(ulong Origin, ulong Contiguous)> Summary(int max)
    {
        var all = new List<(ulong Origin, ulong Contiguous, long Used)>(_origins.Count);
        foreach ((ulong origin, OriginState state) in _origins)
            all.Add((origin, state.Contiguous, state.LastUsed));
        all.Sort((a, b) => b.Used.CompareTo(a.Used));
        return all.Take(max).Select(e => (e.Origin, e.Contiguous)).ToList();
    }

    private static void Advance(OriginState state)
    {
        // Everything below the window counts as seen (see the top comment), and the prefix grows over set bits.
        if (state.Highest >= Window && state.Contiguous < state.Highest - Window)
            state.Contiguous = state.Highest - Window;
        while (state.Contiguous < state.Highest && IsSet(state.Bits, state.Contiguous + 1))
            state.Contiguous++;
    }

    private bool Mark(OriginState state, ulong seq)
    {
        if (seq > state.Highest)
        {
            ulong advance = seq - state.Highest;
            if (advance >= Window)
                Array.Clear(state.Bits);
            else
                for (ulong s = state.Highest + 1; s < seq; s++)
                    ClearBit(state.Bits, s);
            state.Highest = seq;
            SetBit(state.Bits, seq);
            state.LastUsed = ++_clock;
            return true;
        }

        if (state.Highest - seq >= Window)
            return false;
        if (IsSet(state.Bits, seq))
            return false;
        SetBit(state.Bits, seq);
        state.LastUsed = ++_clock;
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

    private static void SetBit(ulong[] bits, ulong seq) => bits[(int)(seq % Window / 64)] |= 1UL << (int)(seq % 64);

    private static void ClearBit(ulong[] bits, ulong seq) => bits[(int)(seq % Window / 64)] &= ~(1UL << (int)(seq % 64));

    private static bool IsSet(ulong[] bits, ulong seq) => (bits[(int)(seq % Window / 64)] & (1UL << (int)(seq % 64))) != 0;
}
