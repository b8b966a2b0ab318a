// The simulator's clock and its one event queue: events run in time order, ties in the order they were scheduled,
// so a run is a pure function of its seed. Time is simulated milliseconds; nothing here reads a real clock.
namespace P2PChat.Tests.Simulation;

internal sealed class SimEventQueue
{
    private readonly PriorityQueue<Action, (long Time, long Seq)> _events = new();
    private long _seq;

    /// <summary>Simulated milliseconds since the run started; only moves forward.</summary>
    public long Now { get; private set; }

    /// <summary>Events run so far (a measure of a run's cost).</summary>
    public long Executed { get; private set; }

    /// <summary>Runs <paramref name="action"/> at <paramref name="time"/> (never in the past).</summary>
    public void At(long time, Action action) => _events.Enqueue(action, (Math.Max(time, Now), _seq++));

    /// <summary>Runs every event due up to <paramref name="end"/>, then sets the clock to it.</summary>
    public void RunUntil(long end)
    {
        while (_events.TryPeek(out Action? action, out (long Time, long Seq) key) && key.Time <= end)
        {
            _events.Dequeue();
            Now = key.Time;
            Executed++;
            action();
        }
        Now = Math.Max(Now, end);
    }
}
