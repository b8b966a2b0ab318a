// A clock for whole-session tests: a fixed wall time (in UTC, so "HH:mm" is known) that moves only when something waits
// on it. By default a timer fires at once, on the thread pool, having moved the clock on by its due time: the session's
// frame pacing costs no real time, and what the screen shows does not depend on how fast the machine is. Held, timers
// wait until the test releases them: what arrives meanwhile is what one frame shows.
namespace P2PChat.Tests.Ui.Sessions;

internal sealed class SteppingClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<(Timer Timer, TimeSpan Due)> _held = [];
    private DateTimeOffset _now = start;
    private bool _holding;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
            return _now;
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public void Advance(TimeSpan by)
    {
        lock (_lock)
            _now += by;
    }

    /// <summary>From now on timers wait for <see cref="Release"/>.</summary>
    public void Hold()
    {
        lock (_lock)
            _holding = true;
    }

    /// <summary>Timers held so far.</summary>
    public int Held
    {
        get
        {
            lock (_lock)
                return _held.Count;
        }
    }

    /// <summary>Fires the held timers (the clock moved on by the longest wait) and fires timers at once again.</summary>
    public void Release()
    {
        (Timer Timer, TimeSpan Due)[] held;
        lock (_lock)
        {
            held = [.. _held];
            _held.Clear();
            _holding = false;
        }
        if (held.Length > 0)
            Advance(held.Max(h => h.Due));
        foreach ((Timer timer, _) in held)
            timer.FireSoon(TimeSpan.Zero);
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new Timer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class Timer(SteppingClock clock, TimerCallback callback, object? state) : ITimer
    {
        private volatile bool _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (_disposed || dueTime == Timeout.InfiniteTimeSpan)
                return !_disposed;
            lock (clock._lock)
            {
                if (clock._holding)
                {
                    clock._held.Add((this, dueTime));
                    return true;
                }
            }
            FireSoon(dueTime);
            return true;
        }

        /// <summary>Once, on the thread pool (a periodic timer would spin; the session uses none).</summary>
        public void FireSoon(TimeSpan advance) => ThreadPool.QueueUserWorkItem(_ =>
        {
            if (_disposed)
                return;
            clock.Advance(advance);
            callback(state);
        });

        public void Dispose() => _disposed = true;

        public ValueTask DisposeAsync()
        {
            _disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
