// Waits on a condition with a deadline instead of sleeping: polls every 10 ms and fails with a message that says
// what was awaited (and, through the optional describer, what the state was when time ran out).
using System.Diagnostics;

namespace P2PChat.Tests;

internal static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    public static async Task WaitUntil(Func<bool> condition, TimeSpan timeout, string whatWeWaitedFor, Func<string>? state = null)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                string detail = state is null ? "" : $"; state at timeout: {state()}";
                throw new TimeoutException($"waited {timeout.TotalMilliseconds:0} ms for {whatWeWaitedFor}, in vain{detail}");
            }
            await Task.Delay(PollInterval);
        }
    }

    /// <summary>Waits until <paramref name="snapshot"/> returns the same value for <paramref name="quiet"/> in a row:
    /// the network has stopped delivering. Fails if it keeps changing until <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilStable<T>(Func<T> snapshot, TimeSpan quiet, TimeSpan timeout, string what)
        where T : IEquatable<T>
    {
        var clock = Stopwatch.StartNew();
        T last = snapshot();
        var stableSince = Stopwatch.StartNew();
        while (stableSince.Elapsed < quiet)
        {
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"{what} kept changing for {timeout.TotalMilliseconds:0} ms; last value {last}");
            await Task.Delay(PollInterval);
            T now = snapshot();
            if (!now.Equals(last))
            {
                last = now;
                stableSince.Restart();
            }
        }
    }
}
