// Figures read from /proc for one process: resident memory (VmRSS) and CPU time used so far.
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
