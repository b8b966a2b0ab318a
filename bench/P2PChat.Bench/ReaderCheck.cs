// Shows the harness's stdout path is not what limits a throughput figure: `yes` pours one chat-shaped line
// ("n0: m 1") into a pipe far faster than any peer prints, and the harness reads, splits and parses it through
// the same LineReader and ArrivalLog as in the real runs. Reported as lines per second in the header.
using System.Diagnostics;

namespace P2PChat.Bench;

internal static class ReaderCheck
{
    /// <summary>Lines/s the harness read and parsed, or NaN if `yes` could not be run.</summary>
    public static double Run(int lines)
    {
        var log = new ArrivalLog(2);
        var process = new Process
        {
            StartInfo = new ProcessStartInfo("yes", "n0: m 1") { UseShellExecute = false, RedirectStandardOutput = true },
        };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return double.NaN;
        }
        ChildProcesses.Track(process);
        long start = Stopwatch.GetTimestamp();
        new LineReader(process.StandardOutput.BaseStream, log, napMicros: 0).Start("yes");
        Wait.Until(() => log.Lines >= lines, () => log.Lines, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1));
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        long read = log.Lines;
        ChildProcesses.Kill(process);
        return read / seconds;
    }
}
