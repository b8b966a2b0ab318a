// Polls a condition until it holds or a deadline passes: end-to-end tests wait on what a process printed or how a
// screen looks, never on a fixed sleep. A timeout says what was expected and what was there instead. Also watches
// that a condition keeps holding for a whole window (a link that must not drop), failing the moment it breaks.
namespace P2PChat.Tests.EndToEnd;

internal static class Wait
{
    /// <summary>Generous for a 2-core machine that may be building at the same time.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);

    /// <summary>Returns once <paramref name="condition"/> holds; throws TimeoutException with
    /// "expected" and the current state (<paramref name="actual"/>) when it does not in time.</summary>
    public static async Task UntilAsync(Func<bool> condition, string expected, Func<string> actual, TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? Default;
        DateTime deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            if (DateTime.UtcNow >= deadline)
                throw new TimeoutException($"waited {limit.TotalSeconds:0.#} s for {expected}; got:\n{actual()}");
            await Task.Delay(PollInterval);
        }
    }

    /// <summary>Same, for a condition that needs async work (running tmux) to check.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string expected, Func<Task<string>> actual, TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? Default;
        DateTime deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline)
                throw new TimeoutException($"waited {limit.TotalSeconds:0.#} s for {expected}; got:\n{await actual()}");
            await Task.Delay(PollInterval);
        }
    }

    /// <summary>Watches <paramref name="invariant"/> for the whole <paramref name="window"/> (an observation period,
    /// not a wait for something): throws InvalidOperationException with "expected" and the state
    /// (<paramref name="actual"/>) as soon as it stops holding.</summary>
    public static async Task ThroughoutAsync(Func<bool> invariant, TimeSpan window, string expected, Func<string> actual)
    {
        DateTime start = DateTime.UtcNow;
        while (true)
        {
            if (!invariant())
                throw new InvalidOperationException(
                    $"expected {expected} for {window.TotalSeconds:0.#} s, but after {(DateTime.UtcNow - start).TotalSeconds:0.0#} s it no longer held; got:\n{actual()}");
            if (DateTime.UtcNow - start >= window)
                return;
            await Task.Delay(PollInterval);
        }
    }

    /// <summary>True once <paramref name="condition"/> holds, false if it does not within <paramref name="timeout"/>:
    /// for tests that report every number they measured before asserting anything.</summary>
    public static async Task<bool> HoldsWithinAsync(Func<bool> condition, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow >= deadline)
                return false;
            await Task.Delay(PollInterval);
        }
        return true;
    }
}
