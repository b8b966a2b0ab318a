// The victim's resources over time, from /proc every 100 ms: VmRSS, open descriptors, and CPU at the window's ends.
using System.Diagnostics;
using P2PChat.Bench;

namespace P2PChat.Load;

internal sealed class Sampler(int pid)
{
    private long _peakRssKiB;
    private int _peakFds;
    private Thread? _thread;
    private volatile bool _stop;
    private readonly List<long> _everySecond = [];

    /// <summary>VmRSS in KiB at each whole second since Start.</summary>
    public List<long> RssEverySecond
    {
        get { lock (_everySecond) return [.. _everySecond]; }
    }

    public long PeakRssKiB => Interlocked.Read(ref _peakRssKiB);

    public int PeakFds => Volatile.Read(ref _peakFds);

    public void Start()
    {
        _thread = new Thread(() =>
        {
            for (int tick = 0; !_stop; tick++)
            {
                long rss = ProcStats.RssKiB(pid);
                if (tick % 10 == 0)
                    lock (_everySecond)
                        _everySecond.Add(rss);
                if (rss > _peakRssKiB)
                    Interlocked.Exchange(ref _peakRssKiB, rss);
                int fds = Fds(pid);
                if (fds > _peakFds)
                    Volatile.Write(ref _peakFds, fds);
                Thread.Sleep(100);
            }
        }) { IsBackground = true, Name = "sampler" };
        _thread.Start();
    }

    public void Stop()
    {
        _stop = true;
        _thread?.Join();
    }

    public static int Fds(int pid)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    /// <summary>"Max open files" soft limit of the process, from /proc/PID/limits.</summary>
    public static string FdLimit(int pid)
    {
        try
        {
            string? line = File.ReadLines($"/proc/{pid}/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            return line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3] ?? "?";
        }
        catch (IOException)
        {
            return "?";
        }
    }

    public static double HarnessCpuSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
}
