// The process's own timer thread (TimerThread), which the product's clock (MillisecondClock) gives every node: periodic
// timers keep firing, a timer moved earlier fires at the new time, one-shot timers fire once, and a disposed or
// stopped timer stays quiet. Every ChatNode test that does not bring its own clock runs on it too.
using P2PChat.Net;

namespace P2PChat.Tests;

public class TimerThreadTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Test]
    public async Task A_periodic_timer_keeps_firing_on_the_timer_thread()
    {
        int fired = 0;
        string? threadName = null;
        using ITimer timer = MillisecondClock.Instance.CreateTimer(_ =>
        {
            threadName = Thread.CurrentThread.Name;
            Interlocked.Increment(ref fired);
        }, null, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(5));

        await Eventually.WaitUntil(() => Volatile.Read(ref fired) >= 5, Deadline, "five firings of a 5 ms timer");
        await Assert.That(threadName).IsEqualTo("p2pchat timers");
    }

    [Test]
    public async Task A_timer_moved_earlier_fires_at_the_new_time_and_one_moved_later_not_at_the_old_one()
    {
        int earlierFired = 0, laterFired = 0, probeFired = 0;
        using ITimer earlier = MillisecondClock.Instance.CreateTimer(_ => Interlocked.Increment(ref earlierFired), null,
            TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);
        using ITimer later = MillisecondClock.Instance.CreateTimer(_ => Interlocked.Increment(ref laterFired), null,
            TimeSpan.FromMilliseconds(20), Timeout.InfiniteTimeSpan);
        earlier.Change(TimeSpan.FromMilliseconds(20), Timeout.InfiniteTimeSpan);
        later.Change(TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);
        using ITimer probe = MillisecondClock.Instance.CreateTimer(_ => Interlocked.Increment(ref probeFired), null,
            TimeSpan.FromMilliseconds(100), Timeout.InfiniteTimeSpan);

        await Eventually.WaitUntil(() => Volatile.Read(ref probeFired) == 1, Deadline, "the 100 ms probe");
        await Assert.That(Volatile.Read(ref earlierFired)).IsEqualTo(1);
        await Assert.That(Volatile.Read(ref laterFired)).IsEqualTo(0);
    }

    [Test]
    public async Task A_disposed_timer_does_not_fire_and_others_still_do()
    {
        int disposedFired = 0, otherFired = 0;
        ITimer disposed = MillisecondClock.Instance.CreateTimer(_ => Interlocked.Increment(ref disposedFired), null,
            TimeSpan.FromMilliseconds(30), TimeSpan.FromMilliseconds(30));
        disposed.Dispose();
        using ITimer other = MillisecondClock.Instance.CreateTimer(_ => Interlocked.Increment(ref otherFired), null,
            TimeSpan.FromMilliseconds(30), TimeSpan.FromMilliseconds(30));

        await Eventually.WaitUntil(() => Volatile.Read(ref otherFired) >= 3, Deadline, "three firings of the other timer");
        await Assert.That(Volatile.Read(ref disposedFired)).IsEqualTo(0);
        await Assert.That(disposed.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan)).IsFalse();
    }

    [Test]
    public async Task A_timer_that_changes_itself_in_its_callback_takes_the_new_time()
    {
        int fired = 0;
        ITimer? timer = null;
        timer = MillisecondClock.Instance.CreateTimer(_ =>
        {
            // Like the hold timer: each firing asks for the next one, once.
            if (Interlocked.Increment(ref fired) < 3)
                timer!.Change(TimeSpan.FromMilliseconds(10), Timeout.InfiniteTimeSpan);
        }, null, TimeSpan.FromMilliseconds(10), Timeout.InfiniteTimeSpan);

        await Eventually.WaitUntil(() => Volatile.Read(ref fired) == 3, Deadline, "three firings, each asked for by the last");
        timer.Dispose();
    }
}
