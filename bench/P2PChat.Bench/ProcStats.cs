// Figures read from /proc: a process's resident memory (VmRSS) and CPU time used so far, and the whole machine's.
using System.Globalization;

namespace P2PChat.Bench;

internal static class ProcStats
{
    private const double ClockTicksPerSecond = 100; // USER_HZ: 100 on every Linux build that matters (x86, arm)

    /// <summary>VmRSS in KiB; -1 if the process is gone.</summary>
    public static long RssKiB(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
        }
        return -1;
    }

    /// <summary>
    /// CPU seconds the whole machine spent on processes (user, nice, system), and those the hypervisor gave to other
    /// virtual machines while ours wanted to run (steal), all cores together. Interrupt and softirq time is left
    /// out: during a run it is mostly our own loopback traffic, which the kernel charges to no process.
    /// </summary>
    public static (double Processes, double Steal) MachineSeconds()
    {
        // First line of proc(5)'s /proc/stat: "cpu  user nice system idle iowait irq softirq steal ..."
        string[] fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long Ticks(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
        return ((Ticks(1) + Ticks(2) + Ticks(3)) / ClockTicksPerSecond, Ticks(8) / ClockTicksPerSecond);
    }

    /// <summary>User + system CPU seconds (10 ms resolution); -1 if the process is gone.</summary>
    public static double CpuSeconds(int pid)
    {
        try
        {
            // Fields after the ")" that closes the command name (which may hold spaces): state is field 3,
            // utime and stime are fields 14 and 15 of proc(5).
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return ticks / ClockTicksPerSecond;
        }
        catch (IOException)
        {
            return -1;
        }
    }
}
