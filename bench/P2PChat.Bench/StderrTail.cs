// The last lines a child wrote on stderr, with the time each arrived: kept for failure reports and --verbose,
// never parsed (the harness must not depend on any program's diagnostics).
using System.Diagnostics;
using System.Text;

namespace P2PChat.Bench;

internal sealed class StderrTail
{
    private const int Keep = 40;
    private readonly Lock _lock = new();
    private readonly Queue<(long Time, string Text)> _lines = new();
    private long _dropped; // lines pushed out of the tail

    public void Add(string line)
    {
        long now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            if (_lines.Count == Keep)
            {
                _lines.Dequeue();
                _dropped++;
            }
            _lines.Enqueue((now, line));
        }
    }

    /// <summary>The tail, one line each, times in ms relative to origin (a Stopwatch timestamp).</summary>
    public string Format(long origin, string indent)
    {
        var text = new StringBuilder();
        lock (_lock)
        {
            if (_dropped > 0)
                text.Append(indent).Append($"({_dropped} earlier lines not kept)").Append('\n');
            foreach ((long time, string line) in _lines)
                text.Append(indent).Append($"{Stopwatch.GetElapsedTime(origin, time).TotalMilliseconds,9:0.0} ms  {line}").Append('\n');
        }
        return text.ToString();
    }

    /// <summary>The last line, for one-line failure messages; empty when nothing was written.</summary>
    public string Last()
    {
        lock (_lock)
            return _lines.Count == 0 ? "" : _lines.Last().Text;
    }
}
