// Waiting on conditions that reader threads make true: polled every millisecond, always with a deadline. The
// moment something happened is never taken from here (the readers timestamp lines), so the polling period does
// not show in any figure.
using System.Diagnostics;

namespace P2PChat.Bench;

internal static class Wait
{
    /// <summary>True once done() holds; false when progress() has not changed for `stall`, or after `limit`.</summary>
    public static bool Until(Func<bool> done, Func<long> progress, TimeSpan stall, TimeSpan limit)
    {
        long start = Stopwatch.GetTimestamp(), lastChange = start, last = progress();
        while (!done())
        {
            long now = Stopwatch.GetTimestamp(), current = progress();
            if (current != last)
            {
                last = current;
                lastChange = now;
            }
            if (Stopwatch.GetElapsedTime(lastChange, now) > stall || Stopwatch.GetElapsedTime(start, now) > limit)
                return done();
            Thread.Sleep(1);
        }
        return true;
    }
}
