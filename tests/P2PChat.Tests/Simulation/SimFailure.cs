// A broken invariant found by a simulated run: which one, what was seen, and the seed that replays it.
namespace P2PChat.Tests.Simulation;

internal sealed class SimFailure(int seed, string invariant, string detail)
    : Exception($"seed {seed}: {invariant}: {detail}")
{
    public int Seed => seed;
    public string Invariant => invariant;
    public string Detail => detail;

    /// <summary>Found by a large run (SimScenario.LargeMin..LargeMax nodes): its replay needs --large.</summary>
    public bool Large { get; private init; }

    /// <summary>The same failure, found by a large run.</summary>
    public SimFailure InLargeRun() => new(seed, invariant, detail) { Large = true };

    /// <summary>The one command that replays this seed with a readable trace.</summary>
    public string ReplayCommand =>
        $"P2PCHAT_SIM_TRACE=sim-{seed}.log dotnet run --project tools/sim -c Release -- --seed {seed}{(Large ? " --large" : "")}";

    public string Report => $"{Message}\n  replay: {ReplayCommand}";
}
