// Measures what a piece of steady-state code allocates on the calling thread. A single round can be charged for
// bytes the code never asked for: the runtime's own work done on this thread the first time a method crosses its
// tiering threshold (seen in a Debug CI run: 2,656 bytes over 1,000 seals that allocate nothing). So the body runs
// once to warm up, then in a few measured rounds, and the least is reported: an allocation per call shows in every
// round, a one-off of the runtime's does not.
namespace P2PChat.Tests;

internal static class Allocations
{
    private const int Rounds = 3;

    /// <summary>The fewest bytes allocated on this thread by one call of <paramref name="round"/>, over a few calls
    /// after a first one that is not counted.</summary>
    public static long InSteadyState(Action round)
    {
        round();
        long least = long.MaxValue;
        for (int i = 0; i < Rounds && least > 0; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            round();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }
}
