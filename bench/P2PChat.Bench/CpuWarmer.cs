// One busy loop per CPU at SCHED_IDLE priority during the paced scenarios (latency, fan-out; not with --no-awake),
// so no CPU ever halts between messages. On this VM (cpuidle haltpoll with guest_halt_poll_ns=0) waking a halted
// vCPU costs tens of µs, which lands on every hop of every message: relay's p50 through the line of 8 went from
// ~400 to ~200 µs with the loops, and without them it also halved whenever someone else happened to keep a core
// busy, so the figures depended on unrelated load.
// SCHED_IDLE tasks run only when nothing else wants the CPU and yield to any waking task at once, so the loops take
// no time from the peers (or from anyone's build); they only keep the CPUs awake, as the kernel's idle=poll would.
// util-linux's chrt and taskset do the setting; their CPU time counts as ours, not "others'", in ForeignLoad.
using System.Diagnostics;

namespace P2PChat.Bench;

internal sealed class CpuWarmer : IDisposable
{
    private readonly List<Process> _loops = [];

    /// <summary>The warmer of this run; null with --no-awake.</summary>
    public static CpuWarmer? Current { get; private set; }

    public static CpuWarmer Start()
    {
        var warmer = new CpuWarmer();
        for (int cpu = 0; cpu < Environment.ProcessorCount; cpu++)
        {
            var info = new ProcessStartInfo("chrt") { UseShellExecute = false };
            foreach (string arg in new[] { "--idle", "0", "taskset", "--cpu-list", $"{cpu}", "sh", "-c", "while :; do :; done" })
                info.ArgumentList.Add(arg);
            var loop = Process.Start(info) ?? throw new BenchException("could not start chrt to keep the CPUs awake (try --no-awake)");
            ChildProcesses.Track(loop);
            warmer._loops.Add(loop);
        }
        Current = warmer;
        return warmer;
    }

    /// <summary>CPU seconds the loops used so far.</summary>
    public double CpuSeconds() => _loops.Sum(loop => Math.Max(0, ProcStats.CpuSeconds(loop.Id)));

    public void Dispose()
    {
        Current = null;
        foreach (Process loop in _loops)
            ChildProcesses.Kill(loop);
    }
}
