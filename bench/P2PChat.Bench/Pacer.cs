// Paces writes on an absolute schedule (start + i * interval), so one late wake-up does not shift every later
// message. It sleeps with usleep(3) (microsecond resolution, unlike Thread.Sleep's milliseconds) and never spins:
// a spinning sender would take one of the machine's two cores away from the peers it measures.
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace P2PChat.Bench;

internal sealed class Pacer(TimeSpan interval)
{
    private readonly long _intervalTicks = (long)(interval.TotalSeconds * Stopwatch.Frequency);
    private long _next; // Stopwatch time of the next slot; 0 before the first

    /// <summary>Returns at the next slot (at once the first time, or when behind schedule).</summary>
    public void WaitNext()
    {
        long now = Stopwatch.GetTimestamp();
        if (_next == 0)
            _next = now;
        long waitTicks = _next - now;
        if (waitTicks > 0)
            SleepMicros((uint)(waitTicks * 1_000_000 / Stopwatch.Frequency));
        _next += _intervalTicks;
    }

    public static void SleepMicros(uint micros) => usleep(micros);

    [DllImport("libc", EntryPoint = "usleep")]
    private static extern int usleep(uint micros);
}
