// The process's timers, run on one thread of our own that calls each callback itself. The system's timers have a
// thread that wakes when one is due and hands the callback to the thread pool, which wakes a worker to run it: two
// thread wake-ups per tick, four ticks a second per node, and the pool's gate thread kept awake besides. With 300
// idle peers on this machine that was over half of all the CPU they used. Our callbacks (the node's tick, the
// release of held reads) never block for long: they take the node's lock for one input, and the display writes on
// a thread of its own (EventPump).
namespace P2PChat.Net;

internal sealed class TimerThread
{
    public static readonly TimerThread Shared = new();

    private readonly object _gate = new();
    private readonly PriorityQueue<(Timer Timer, int Version), long> _due = new();
    private Thread? _thread;

    /// <summary>A timer whose callback this thread runs; due times are Environment.TickCount64 milliseconds.</summary>
    public ITimer Create(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new Timer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private void Schedule(Timer timer, long at)
    {
        // Called under _gate. A timer changed again leaves its old queue entry behind, ignored by its version.
        _due.Enqueue((timer, timer.Version), at);
        if (_thread is null)
        {
            _thread = new Thread(Run) { IsBackground = true, Name = "p2pchat timers" };
            _thread.Start();
        }
        else if (_due.Peek().Timer == timer)
        {
            Monitor.Pulse(_gate); // now the earliest: the thread may be sleeping until a later one
        }
    }

    private void Run()
    {
        while (true)
        {
            Timer timer;
            lock (_gate)
            {
                while (true)
                {
                    if (_due.Count == 0)
                    {
                        Monitor.Wait(_gate);
                        continue;
                    }
                    _due.TryPeek(out (Timer Timer, int Version) first, out long at);
                    if (first.Version != first.Timer.Version)
                    {
                        _due.Dequeue(); // changed or disposed since
                        continue;
                    }
                    long wait = at - Environment.TickCount64;
                    if (wait > 0)
                    {
                        Monitor.Wait(_gate, (int)Math.Min(wait, int.MaxValue));
                        continue;
                    }
                    _due.Dequeue();
                    timer = first.Timer;
                    if (timer.PeriodMs > 0)
                        _due.Enqueue((timer, timer.Version), Environment.TickCount64 + timer.PeriodMs);
                    break;
                }
            }
            timer.Fire();
        }
    }

    private sealed class Timer(TimerThread owner, TimerCallback callback, object? state) : ITimer
    {
        /// <summary>Bumped by every Change and by Dispose: queue entries of an older version are stale.</summary>
        public int Version;
        public long PeriodMs;
        private bool _disposed;

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                if (_disposed)
                    return false;
                Version++;
                PeriodMs = period == Timeout.InfiniteTimeSpan ? 0 : Math.Max(1, (long)period.TotalMilliseconds);
                if (dueTime != Timeout.InfiniteTimeSpan)
                    owner.Schedule(this, Environment.TickCount64 + Math.Max(0, (long)dueTime.TotalMilliseconds));
                return true;
            }
        }

        public void Dispose()
        {
            lock (owner._gate)
            {
                _disposed = true;
                Version++;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
