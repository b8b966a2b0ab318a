// The process's own timer thread (TimerThread), which the product's clock (MillisecondClock) gives every node: periodic
// timers keep firing, a timer moved earlier fires at the new time, one-shot timers fire once, and a disposed or
// stopped timer stays quiet. Every ChatNode test that does not bring its own clock runs on it too. Moving a timer
// earlier does not wake the thread (it sleeps on a kernel timer that the mover moves), and no move is lost when many
// threads move timers at once.
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

    [Test]
    public async Task A_timer_moved_earlier_fifty_times_wakes_the_thread_when_due_not_at_each_move()
    {
        // Its own thread (left running, as the shared one is): the shared one serves every other test running now.
        var thread = new TimerThread();
        int fired = 0;
        using ITimer parked = thread.Create(_ => { }, null, TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);
        await Eventually.WaitUntil(() => thread.Wakeups == 0 && thread.IsSleeping, Deadline, "the thread asleep");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using ITimer timer = thread.Create(_ => Interlocked.Increment(ref fired), null, TimeSpan.FromMilliseconds(1000),
            Timeout.InfiniteTimeSpan);
        // Each move 10 ms earlier than the last in absolute time, however long this thread is preempted between them
        // (a move that came out later than the kernel timer's setting would leave it set early: a wake, correctly).
        for (int i = 1; i <= 50; i++)
            timer.Change(TimeSpan.FromMilliseconds(Math.Max(0, 1000 - 10 * i - clock.ElapsedMilliseconds)), Timeout.InfiniteTimeSpan);

        await Eventually.WaitUntil(() => Volatile.Read(ref fired) == 1, Deadline, "the timer moved to 500 ms");
        await Assert.That(clock.ElapsedMilliseconds).IsGreaterThanOrEqualTo(490); // not at any time it was moved from early
        // Once when due, and once more if this thread was preempted into a move later than the kernel timer's
        // setting; a wake for each move would be 50.
        await Assert.That(thread.Wakeups).IsLessThanOrEqualTo(2);
    }

    [Test]
    public async Task A_timer_wakes_the_thread_once_when_due_although_its_clock_lags_the_kernels()
    {
        // Environment.TickCount64 (the due times' clock) moves once a kernel tick; the kernel timer goes off by the
        // precise clock. Armed for exactly the difference, it went off while TickCount64 was a few ms short, and the
        // thread slept again and woke a second time, every other tick of an idle peer.
        var thread = new TimerThread();
        using ITimer parked = thread.Create(_ => { }, null, TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);
        await Eventually.WaitUntil(() => thread.IsSleeping, Deadline, "the thread asleep");
        long wakeupsBefore = thread.Wakeups;
        const int Rounds = 12;
        long earlyFirings = 0;
        for (int i = 0; i < Rounds; i++)
        {
            long due = Environment.TickCount64 + 23;
            using var fired = new SemaphoreSlim(0);
            using ITimer timer = thread.Create(_ =>
            {
                if (Environment.TickCount64 < due)
                    Interlocked.Increment(ref earlyFirings); // fired before its time by the callers' clock: a bug too
                fired.Release();
            }, null, TimeSpan.FromMilliseconds(23), Timeout.InfiniteTimeSpan);
            await Assert.That(await fired.WaitAsync(Deadline)).IsTrue();
        }

        await Assert.That(Interlocked.Read(ref earlyFirings)).IsEqualTo(0);
        await Assert.That(thread.Wakeups - wakeupsBefore).IsEqualTo(Rounds);
    }

    [Test]
    public async Task Timers_moved_by_four_threads_at_once_all_fire_on_time()
    {
        var thread = new TimerThread();
        const int PerThread = 500;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var due = new long[4 * PerThread];
        var firedAt = new long[4 * PerThread];
        var timers = new ITimer[4 * PerThread];
        Task[] movers = Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            var random = new Random(t);
            for (int i = 0; i < PerThread; i++)
            {
                int index = t * PerThread + i;
                // Each starts late and is moved earlier, to 0-20 ms: every move may race the thread going to sleep.
                ITimer timer = thread.Create(_ => Volatile.Write(ref firedAt[index], clock.ElapsedMilliseconds + 1), null,
                    TimeSpan.FromMilliseconds(random.Next(50, 200)), Timeout.InfiniteTimeSpan);
                int delay = random.Next(0, 20);
                due[index] = clock.ElapsedMilliseconds + delay;
                timer.Change(TimeSpan.FromMilliseconds(delay), Timeout.InfiniteTimeSpan);
                timers[index] = timer;
                if (i % 50 == 0)
                    Thread.Sleep(1); // let some fire while others are being moved
            }
        })).ToArray();
        await Task.WhenAll(movers);

        await Eventually.WaitUntil(() => Enumerable.Range(0, firedAt.Length).All(i => Volatile.Read(ref firedAt[i]) > 0), Deadline, "every timer's firing");
        // A wake-up lost and made good only by another move would fire late; a loaded machine delays by far less.
        long latest = Enumerable.Range(0, due.Length).Max(i => firedAt[i] - 1 - due[i]);
        await Assert.That(latest).IsLessThan(1000);
        foreach (ITimer timer in timers)
            timer.Dispose();
    }
}
