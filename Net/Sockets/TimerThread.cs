// The process's timers, run on one thread of our own that calls each callback itself. The system's timers have a
// thread that wakes when one is due and hands the callback to the thread pool, which wakes a worker to run it: two
// thread wake-ups per tick, four ticks a second per node, and the pool's gate thread kept awake besides. With 300
// idle peers on this machine that was over half of all the CPU they used. Our callbacks (the node's tick, the
// release of held reads) never block for long: they take the node's lock for one input, and the display writes on
// a thread of its own (EventPump). The thread sleeps on a kernel timer (TimerFd) that a timer moved earlier moves
// too, without waking it: it wakes when the earliest timer it knew of is due (or was since moved or disposed).
namespace P2PChat.Net;

internal sealed class TimerThread
{
    public static readonly TimerThread Shared = new();

    private readonly object _gate = new();
    private readonly PriorityQueue<(Timer Timer, int Version), long> _due = new();
    private Thread? _thread;
    private TimerFd? _kernelTimer;

    /// <summary>No earlier than when the kernel timer goes off (Environment.TickCount64 ms; long.MaxValue: disarmed or
    /// gone off). Guarded by _gate. While the thread sleeps the kernel timer goes off no later than the earliest live
    /// entry of _due: whoever queues an earlier one moves it.</summary>
    private long _armedAt = long.MaxValue;

    /// <summary>Times the thread woke from its kernel timer, for tests: a timer moved earlier must not be one.</summary>
    internal long Wakeups => Interlocked.Read(ref _wakeups);
    private long _wakeups;

    /// <summary>Whether the thread is blocked on its kernel timer, for tests.</summary>
    internal bool IsSleeping => Volatile.Read(ref _sleeping);
    private bool _sleeping;

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
            _kernelTimer = new TimerFd();
            _thread = new Thread(Run) { IsBackground = true, Name = "p2pchat timers" };
            _thread.Start();
        }
        else if (at < _armedAt && Thread.CurrentThread != _thread)
        {
            Arm(at); // the thread may be asleep until later (a callback on it needs nothing: it looks before it sleeps)
        }
    }

    private void Arm(long at)
    {
        // Due times are Environment.TickCount64's, a coarse clock that lags the kernel timer's by up to a kernel tick:
        // armed for exactly at - TickCount64, the timer went off while TickCount64 still read a few ms short, nothing
        // was due, and the thread was set again for 1-4 ms and woke a second time (strace of an idle peer: every other
        // tick woke the thread twice). Set a lag later, it goes off when TickCount64 has reached the due time.
        _kernelTimer!.Arm(at == long.MaxValue ? long.MaxValue : at - Environment.TickCount64 + TimerFd.CoarseLagMs);
        _armedAt = at; // only once set: a failed call leaves the kernel timer as _armedAt says
    }

    private void Run()
    {
        bool wentOff = false;
        while (true)
        {
            Timer? timer = null;
            lock (_gate)
            {
                if (wentOff)
                    _armedAt = long.MaxValue; // a one-shot timerfd that went off is disarmed (unless moved since: no harm)
                wentOff = false;
                while (_due.TryPeek(out (Timer Timer, int Version) first, out long at))
                {
                    if (first.Version != first.Timer.Version)
                    {
                        _due.Dequeue(); // changed or disposed since
                        continue;
                    }
                    if (at > Environment.TickCount64)
                        break;
                    _due.Dequeue();
                    timer = first.Timer;
                    if (timer.PeriodMs > 0)
                        _due.Enqueue((timer, timer.Version), Environment.TickCount64 + timer.PeriodMs);
                    break;
                }
                if (timer is null)
                {
                    // Nothing due: sleep until the earliest. The kernel timer may already be set for it, or for earlier
                    // (a timer changed since, or disposed): set it only when it differs.
                    long earliest = _due.TryPeek(out _, out long next) ? next : long.MaxValue;
                    if (earliest != _armedAt)
                        Arm(earliest);
                }
            }
            if (timer is not null)
            {
                timer.Fire();
                continue;
            }
            Volatile.Write(ref _sleeping, true);
            _kernelTimer!.Wait();
            Volatile.Write(ref _sleeping, false);
            wentOff = true;
            Interlocked.Increment(ref _wakeups);
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
