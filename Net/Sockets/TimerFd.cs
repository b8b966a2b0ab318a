// A Linux timerfd (timerfd_create(2)): a one-shot kernel timer that one thread sleeps on (Wait) and any thread moves
// (Arm). Moving it costs the mover one system call and wakes nobody; the sleeper wakes when it goes off. A
// condition variable (Monitor.Wait/Pulse) woke the sleeper on every move just so it could sleep again until the new
// time: each line a node handles moves its tick earlier once, and strace showed the timer thread doing most of a peer's
// futex calls. DllImport with blittable signatures, as in Ui/LibC.cs.
using System.Runtime.InteropServices;

namespace P2PChat.Net;

internal sealed class TimerFd
{
    private const int CLOCK_MONOTONIC = 1;
    private const int TFD_CLOEXEC = 0x80000;
    private const int EINTR = 4;

    private readonly int _fd;

    public TimerFd()
    {
        _fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
        if (_fd < 0)
            throw new InvalidOperationException($"timerfd_create failed (errno {Marshal.GetLastPInvokeError()})");
    }

    /// <summary>Goes off <paramref name="afterMs"/> from now (at once if 0 or less), replacing any earlier setting;
    /// <see cref="long.MaxValue"/> disarms it.</summary>
    public void Arm(long afterMs)
    {
        var spec = new ITimerSpec();
        if (afterMs != long.MaxValue)
        {
            // it_value 0 would disarm it: "at once" is the smallest time the kernel takes.
            long ms = Math.Max(0, afterMs);
            spec.ValueSec = ms / 1000;
            spec.ValueNsec = ms % 1000 * 1_000_000;
            if (ms == 0)
                spec.ValueNsec = 1;
        }
        if (timerfd_settime(_fd, 0, ref spec, IntPtr.Zero) != 0)
            throw new InvalidOperationException($"timerfd_settime failed (errno {Marshal.GetLastPInvokeError()})");
    }

    /// <summary>Blocks until the timer goes off (at once if it went off since the last Wait and was not armed again).</summary>
    public void Wait()
    {
        ulong expirations = 0;
        while (read(_fd, ref expirations, sizeof(ulong)) < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR)
                throw new InvalidOperationException($"read of a timerfd failed (errno {errno})");
        }
    }

    /// <summary>How far Environment.TickCount64 can lag the clock this timer runs on, in whole milliseconds: it reads
    /// CLOCK_MONOTONIC_COARSE, which moves once a kernel tick (1-10 ms), while the timer goes off by CLOCK_MONOTONIC.
    /// 10 (the coarsest kernel tick) if the kernel does not say.</summary>
    public static readonly long CoarseLagMs = QueryCoarseLagMs();

    private static long QueryCoarseLagMs()
    {
        const int CLOCK_MONOTONIC_COARSE = 6;
        var resolution = new TimeSpec();
        if (clock_getres(CLOCK_MONOTONIC_COARSE, ref resolution) != 0 || resolution.Sec != 0 || resolution.Nsec <= 0)
            return 10;
        return (resolution.Nsec + 999_999) / 1_000_000;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Sec, Nsec;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int clock_getres(int clockid, ref TimeSpec resolution);

    [StructLayout(LayoutKind.Sequential)]
    private struct ITimerSpec
    {
        public long IntervalSec, IntervalNsec, ValueSec, ValueNsec;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int timerfd_create(int clockid, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int timerfd_settime(int fd, int flags, ref ITimerSpec newValue, IntPtr oldValue);

    [DllImport("libc", SetLastError = true)]
    private static extern nint read(int fd, ref ulong buffer, nuint count);
}
