// How much of the machine was not ours during a measurement: CPU time other processes used (the whole machine's
// process time minus the harness's and the peers'), and time the hypervisor stole for other virtual machines, each
// as a share of all cores. Kept apart because a task's own CPU time includes the moments its virtual CPU was stolen,
// so the two cannot be netted against each other. On a shared two-core VM both show up in every figure, the p99s
// first; this says when, so a noisy figure can be recognised and re-run.
using System.Diagnostics;

namespace P2PChat.Bench;

internal sealed class ForeignLoad
{
    private readonly IReadOnlyList<Peer> _peers;
    private readonly long _start;
    private readonly double _processesStart, _stealStart, _oursStart;

    private ForeignLoad(IReadOnlyList<Peer> peers)
    {
        _peers = peers;
        _start = Stopwatch.GetTimestamp();
        (_processesStart, _stealStart) = ProcStats.MachineSeconds();
        _oursStart = OurSeconds();
    }

    /// <summary>Starts counting; `peers` are ours (they must stay alive until Measure is called).</summary>
    public static ForeignLoad Start(IReadOnlyList<Peer> peers) => new(peers);

    /// <summary>Since Start, in % of all cores: other processes' CPU, and steal.</summary>
    public (double OthersPercent, double StealPercent) Measure()
    {
        double wall = Stopwatch.GetElapsedTime(_start).TotalSeconds * Environment.ProcessorCount;
        (double processes, double steal) = ProcStats.MachineSeconds();
        double others = processes - _processesStart - (OurSeconds() - _oursStart);
        return (Math.Max(0, others / wall * 100), (steal - _stealStart) / wall * 100);
    }

    /// <summary>
    /// Before a measurement: waits (up to `limit`) for a half second in which others and steal together took less
    /// than `percent` of the machine. Returns false if it never came; the measurement then goes ahead, and its
    /// rows in the table show it.
    /// </summary>
    public static bool WaitForQuiet(double percent, TimeSpan limit)
    {
        long start = Stopwatch.GetTimestamp();
        bool told = false;
        while (true)
        {
            var window = Start([]);
            Thread.Sleep(500);
            (double others, double steal) = window.Measure();
            if (others + steal < percent)
                return true;
            if (Stopwatch.GetElapsedTime(start) > limit)
                return false;
            if (!told)
                Console.Error.Write("(machine busy, waiting) ");
            told = true;
        }
    }

    private double OurSeconds() =>
        Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds + _peers.Sum(peer => Math.Max(0, peer.CpuSeconds()))
        + (CpuWarmer.Current?.CpuSeconds() ?? 0);
}
