// Exact duplicate suppression for flooding, in memory that does not grow with the number of messages.
// Per origin it keeps the highest sequence seen and a bitmap of the Window sequences below it (the
// anti-replay window of IPsec, RFC 4303 section 3.4.3). A sequence below the window counts as seen: flooding
// delivers every copy of a message within moments, long before Window newer messages of the same sender.
// At most MaxOrigins senders are tracked; past that the one heard from least recently is forgotten.
// Not thread-safe: the node calls it under its flood lock.
namespace P2PChat.Net;

internal sealed class DuplicateFilter(int maxOrigins = DuplicateFilter.DefaultMaxOrigins)
{
    public const int DefaultMaxOrigins = 4096;
    public const int Window = 1024;
    private const int Words = Window / 64;

    private sealed class OriginState
    {
        /// <summary>Highest sequence seen; 0 until the first.</summary>
        public ulong Highest;

        /// <summary>Bit (s mod Window) is set when sequence s in (Highest - Window, Highest] was seen.</summary>
        public readonly ulong[] Bits = new ulong[Words];

        /// <summary>Value of the filter's clock at the last accepted message, for least-recent eviction.</summary>
        public long LastUsed;
    }

    private readonly Dictionary<ulong, OriginState> _origins = new();
    private long _clock;

    public int OriginCount => _origins.Count;

    /// <summary>Records <paramref name="id"/>; true the first time it is seen, false for every repeat.</summary>
    public bool TryAccept(MessageId id)
    {
        if (id.Seq == 0)
            return false;
        if (!_origins.TryGetValue(id.Origin, out OriginState? state))
        {
            if (_origins.Count >= maxOrigins)
                EvictLeastRecent();
            state = new OriginState();
            _origins.Add(id.Origin, state);
        }

        ulong seq = id.Seq;
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
