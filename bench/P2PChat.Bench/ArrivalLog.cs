// What one peer printed: for each measured message the Stopwatch time its first copy arrived, and counts of
// duplicates and warm-up lines (anything else on stdout is counted as a line and otherwise ignored). Written only
// by the peer's reader thread. Other threads read the counters; once Distinct says a message arrived, its time is
// visible too (the volatile write publishes it).
namespace P2PChat.Bench;

internal sealed class ArrivalLog(int capacity) : ILineSink
{
    private readonly long[] _first = new long[capacity]; // per seq: 0 until its first copy arrived
    private int _distinct;   // measured messages seen at least once
    private int _duplicates; // copies beyond the first, of measured messages
    private int _warmUps;    // warm-up lines (any seq, copies included)
    private long _lines;     // every line
    private long _lastNew;   // Stopwatch time of the latest first copy; 0 before any
    private int _ended;      // 1 once the stdout stream ended

    public int Capacity => _first.Length;
    public int Distinct => Volatile.Read(ref _distinct);
    public int Duplicates => Volatile.Read(ref _duplicates);
    public int WarmUps => Volatile.Read(ref _warmUps);
    public long Lines => Volatile.Read(ref _lines);
    public bool Ended => Volatile.Read(ref _ended) != 0;

    /// <summary>Time the latest new message arrived; read it after Distinct reached what you wait for.</summary>
    public long LastNew => Volatile.Read(ref _lastNew);

    /// <summary>Arrival time of message seq, or 0 if it never came. Read after waiting on Distinct.</summary>
    public long FirstArrival(int seq) => Volatile.Read(ref _first[seq]);

    public void OnLine(ReadOnlySpan<byte> line, long timestamp)
    {
        Volatile.Write(ref _lines, _lines + 1);
        if (!MessageText.TryParse(line, out byte kind, out int seq))
            return;
        if (kind == MessageText.WarmUp)
        {
            Volatile.Write(ref _warmUps, _warmUps + 1);
            return;
        }
        if (seq >= _first.Length)
            return;
        if (_first[seq] != 0)
        {
            Volatile.Write(ref _duplicates, _duplicates + 1);
            return;
        }
        _first[seq] = timestamp;
        _lastNew = timestamp;
        Volatile.Write(ref _distinct, _distinct + 1); // publishes the two writes above
    }

    public void OnEnd() => Volatile.Write(ref _ended, 1);

    /// <summary>"ok" when every measured message came exactly once, else what went wrong.</summary>
    public string Delivery()
    {
        int lost = Capacity - Distinct, duplicates = Duplicates;
        if (lost == 0 && duplicates == 0)
            return "ok";
        return $"{lost} lost, {duplicates} dup";
    }
}
