// CPU time a process has used so far (user + system), read from /proc/PID/stat: for tests that check a peer goes
// idle once there is nothing left to do.
using System.Globalization;
using System.Runtime.InteropServices;

namespace P2PChat.Tests.EndToEnd;

internal static class ProcessCpu
{
    private const int ScClockTicks = 2; // _SC_CLK_TCK on Linux

    private static readonly Lazy<long> TicksPerSecond = new(() => SysConf(ScClockTicks) is > 0 and var ticks ? ticks : 100);

    /// <summary>utime + stime of <paramref name="pid"/> (10 ms resolution at the usual 100 ticks a second).</summary>
    public static TimeSpan Used(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        // "PID (COMM) STATE ..." where COMM may hold spaces and parentheses: fields are counted after the last ')'.
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[14 - 3], CultureInfo.InvariantCulture) + long.Parse(fields[15 - 3], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / (double)TicksPerSecond.Value);
    }

    [DllImport("libc", EntryPoint = "sysconf")]
    private static extern long SysConf(int name);
}
