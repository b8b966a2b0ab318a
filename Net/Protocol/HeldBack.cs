// What a link was not sent because its peer pruned the sender (lines, named later in a HAVE) or the member
// (announcements, named later in a ROSTER): per id the highest value held back (a line's sequence number, an
// announcement's counter), since when the oldest has waited, and how many were held back since it was last empty.
// Bounded: past its capacity nothing new is held, and the caller decides what that means. Owned by a CoreLink.
namespace P2PChat.Net;

internal sealed class HeldBack(int capacity)
{
    private readonly Dictionary<ulong, ulong> _held = [];

    public int Count => _held.Count;

    /// <summary>Since when the oldest entry waits (long.MaxValue: none).</summary>
    public long Since { get; private set; } = long.MaxValue;

    /// <summary>How many times something was held back since the set was last empty (a stream makes its HAVE due).</summary>
    public int Holds { get; private set; }

    /// <summary>Holds back <paramref name="value"/> of <paramref name="id"/> (only the highest is kept). False, and
    /// nothing held, when <paramref name="id"/> is new and the set is full.</summary>
    public bool Hold(ulong id, ulong value, long now)
    {
        if (_held.TryGetValue(id, out ulong held))
        {
            if (value > held)
                _held[id] = value;
        }
        else if (_held.Count < capacity)
        {
            _held.Add(id, value);
        }
        else
        {
            return false;
        }
        Since = Math.Min(Since, now);
        Holds++;
        return true;
    }

    /// <summary>The peer has <paramref name="id"/> up to <paramref name="value"/>: ours, if it would say no more, is
    /// not sent.</summary>
    public void PeerHas(ulong id, ulong value)
    {
        if (_held.Count > 0 && _held.TryGetValue(id, out ulong held) && held <= value)
        {
            _held.Remove(id);
            if (_held.Count == 0)
                Reset();
        }
    }

    /// <summary>Takes up to <paramref name="into"/>.Length entries (the rest wait for the next call).</summary>
    public int Take(Span<(ulong Id, ulong Value)> into)
    {
        int n = 0;
        foreach ((ulong id, ulong value) in _held)
        {
            if (n == into.Length)
                break;
            into[n++] = (id, value);
        }
        for (int i = 0; i < n; i++)
            _held.Remove(into[i].Id);
        if (_held.Count == 0)
            Reset();
        return n;
    }

    private void Reset()
    {
        Since = long.MaxValue;
        Holds = 0;
    }
}
