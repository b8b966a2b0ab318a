// The system clock at the resolution the core needs (milliseconds), from Environment.TickCount64: a coarse monotonic
// clock that is cheaper to read than Stopwatch's (the core reads it once per input, which is once per socket read).
// Timers run on a thread of our own (TimerThread), on the same clock. Tests hand ChatNode their own TimeProvider.
namespace P2PChat.Net;

internal sealed class MillisecondClock : TimeProvider
{
    public static readonly MillisecondClock Instance = new();

    public override long TimestampFrequency => 1000;

    public override long GetTimestamp() => Environment.TickCount64;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        TimerThread.Shared.Create(callback, state, dueTime, period);
}
