// Tells the user when lines of a sender are given up for good (DeliveryOrder gives up a gap), through the core's
// effects (IChatSink.OnLinesLost), without letting a burst of gaps flood the display. Per window of WindowMs: a
// sender's first gap is reported at once, so the notice comes just before the lines shown without it; its later gaps
// in the window are summed and reported when the window ends. At most MaxNamedPerWindow senders are reported at once
// in a window; the gaps of any others are summed and reported at its end, as one report of several senders. Every
// lost line is counted in exactly one report (the simulator checks the sums against what each node showed).
// Owned by Flooding; memory is bounded by the senders the duplicate filter tracks.
using System.Text;

namespace P2PChat.Net;

internal sealed class GapReports(IChatSink sink)
{
    public const long WindowMs = 1000;
    public const int MaxNamedPerWindow = 8;

    /// <summary>A sender with gaps in the current window: who it is, and the lines it lost that no report has counted.</summary>
    private sealed class Sender(string name, byte[] key)
    {
        public readonly string Name = name;
        public readonly byte[] Key = key;
        public ulong Unreported;
    }

    /// <summary>When the current window ends; MinValue while none is open (no gap since the last one ended).</summary>
    private long _windowEnd = long.MinValue;

    // Senders reported at once in this window (at most MaxNamedPerWindow), then the others, in the order of their first gap.
    private readonly Dictionary<ulong, Sender> _named = [];
    private readonly Dictionary<ulong, Sender> _others = [];

    /// <summary>Lines given up since the start (for :peers).</summary>
    public ulong Total { get; private set; }

    /// <summary>Reports made (OnLinesLost calls).</summary>
    public long Reports { get; private set; }

    /// <summary>Lines given up and not in any report yet: they will be, when the window ends.</summary>
    public ulong Unreported
    {
        get
        {
            ulong sum = 0;
            foreach (Sender sender in _named.Values)
                sum = Add(sum, sender.Unreported);
            foreach (Sender sender in _others.Values)
                sum = Add(sum, sender.Unreported);
            return sum;
        }
    }

    /// <summary><paramref name="count"/> lines of <paramref name="origin"/> were given up; <paramref name="next"/> is
    /// the frame of its line shown next (whose name and key the report carries).</summary>
    public void Lost(ulong origin, ReadOnlySpan<byte> next, ulong count, long now)
    {
        if (count == 0)
            return;
        Total = Add(Total, count);
        if (now >= _windowEnd)
        {
            EndWindow();
            _windowEnd = now + WindowMs;
        }
        if (_named.TryGetValue(origin, out Sender? named))
        {
            named.Unreported = Add(named.Unreported, count);
            return;
        }
        if (_named.Count < MaxNamedPerWindow)
        {
            Sender sender = Author(next);
            _named.Add(origin, sender);
            Report(new LostLines(origin, sender.Name, count) { Key = sender.Key });
            return;
        }
        if (!_others.TryGetValue(origin, out Sender? other))
            _others.Add(origin, other = Author(next));
        other.Unreported = Add(other.Unreported, count);
    }

    /// <summary>When the open window ends (long.MaxValue: none open).</summary>
    public long NextTick => _windowEnd == long.MinValue ? long.MaxValue : _windowEnd;

    /// <summary>On the timer: a window that is over reports what it summed.</summary>
    public void Tick(long now)
    {
        if (_windowEnd == long.MinValue || now < _windowEnd)
            return;
        EndWindow();
        _windowEnd = long.MinValue;
    }

    private void EndWindow()
    {
        foreach ((ulong origin, Sender sender) in _named)
            if (sender.Unreported > 0)
                Report(new LostLines(origin, sender.Name, sender.Unreported) { Key = sender.Key });
        _named.Clear();
        if (_others.Count == 1)
        {
            foreach ((ulong origin, Sender sender) in _others)
                Report(new LostLines(origin, sender.Name, sender.Unreported) { Key = sender.Key });
        }
        else if (_others.Count > 1)
        {
            ulong sum = 0;
            foreach (Sender sender in _others.Values)
                sum = Add(sum, sender.Unreported);
            Report(new LostLines(0, "", sum) { Senders = _others.Count });
        }
        _others.Clear();
    }

    private void Report(LostLines lost)
    {
        Reports++;
        sink.OnLinesLost(lost);
    }

    /// <summary>The name and key a held line carries (both signed by the sender: LineVerifier checked them).</summary>
    private static Sender Author(ReadOnlySpan<byte> frame)
    {
        FrameReader.TryParseChat(frame[Protocol.LengthPrefixSize..], out ChatView chat);
        return new Sender(Encoding.UTF8.GetString(chat.Name), chat.Key.ToArray());
    }

    /// <summary>A hostile sender may claim sequences near 2^64: sums saturate rather than wrap.</summary>
    private static ulong Add(ulong a, ulong b) => a + b < a ? ulong.MaxValue : a + b;
}
