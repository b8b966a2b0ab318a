// How busy the machine was with work that is not ours: CPU time of the whole machine minus that of the harness and
// the peers being measured, as a share of all cores. On a shared two-core machine someone else's build or test run
// shows up in every figure, the p99s first; this says when, so a noisy figure can be recognised and re-run.
using System.Diagnostics;

namespace P2PChat.Bench;

internal sealed class ForeignLoad
{
    private readonly IReadOnlyList<Peer> _peers;
    private readonly long _start;
    private readonly double _machineStart, _oursStart;

    private ForeignLoad(IReadOnlyList<Peer> peers)
    {
        _peers = peers;
        _start = Stopwatch.GetTimestamp();
        _machineStart = ProcStats.MachineBusySeconds();
        _oursStart = OurSeconds();
    }

    /// <summary>Starts counting; `peers` are ours (they must stay alive until Percent is read).</summary>
    public static ForeignLoad Start(IReadOnlyList<Peer> peers) => new(peers);

    /// <summary>Foreign CPU since Start, in % of all cores (0 when the clock ticks cannot tell it apart).</summary>
    public double Percent()
    {
        double wall = Stopwatch.GetElapsedTime(_start).TotalSeconds * Environment.ProcessorCount;
        double foreign = ProcStats.MachineBusySeconds() - _machineStart - (OurSeconds() - _oursStart);
        return Math.Max(0, foreign / wall * 100);
    }

    /// <summary>
    /// Before a measurement: waits (up to `limit`) for a half second in which others used less than `percent` of
    /// the machine. Returns false if it never came; the measurement then goes ahead, and its load row shows it.
    /// </summary>
    public static bool WaitForQuiet(double percent, TimeSpan limit)
    {
        long start = Stopwatch.GetTimestamp();
        bool told = false;
        while (true)
        {
            var window = Start([]);
            Thread.Sleep(500);
            if (window.Percent() < percent)
                return true;
            if (Stopwatch.GetElapsedTime(start) > limit)
                return false;
            if (!told)
                Console.Error.Write("(machine busy, waiting) ");
            told = true;
        }
    }

    private double OurSeconds() =>
        Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds + _peers.Sum(peer => Math.Max(0, peer.CpuSeconds()));
}
