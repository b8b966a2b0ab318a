// What every attack is: started before the measured window, stopped after it, and described in one table cell.
namespace P2PChat.Load;

internal interface IAttack
{
    string Name { get; }

    /// <summary>Work done before the measured window (keys made, say), so it does not count as the attack.</summary>
    Task PrepareAsync() => Task.CompletedTask;

    /// <summary>Runs until <paramref name="stop"/> fires, then releases every socket it holds.</summary>
    Task RunAsync(CancellationToken stop);

    /// <summary>What the attacker did and what the victim did to it, for the table.</summary>
    string Summary();
}

internal sealed class NoAttack : IAttack
{
    public string Name => "baseline (no attack)";

    public Task RunAsync(CancellationToken stop) => Task.CompletedTask;

    public string Summary() => "-";
}

/// <summary>Counts of how long connections lasted before the victim closed them.</summary>
internal sealed class CloseTimes
{
    private readonly List<double> _seconds = [];

    public void Add(double seconds)
    {
        lock (_seconds)
            _seconds.Add(seconds);
    }

    public List<double> Snapshot()
    {
        lock (_seconds)
            return [.. _seconds];
    }

    public static string Describe(List<double> seconds) => seconds.Count == 0
        ? "none"
        : $"{seconds.Count:N0} (p50 {P2PChat.Bench.Stats.Percentile(seconds, 0.5):0.00} s, max {seconds.Max():0.00} s)";
}
