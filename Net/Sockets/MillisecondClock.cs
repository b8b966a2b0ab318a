// The system clock at the resolution the core needs (milliseconds), from Environment.TickCount64: a coarse monotonic
// clock that is cheaper to read than Stopwatch's (the core reads it once per input, which is once per socket read).
// Timers are the system's. Tests hand ChatNode their own TimeProvider instead.
namespace P2PChat.Net;

internal sealed class MillisecondClock : TimeProvider
{
    public static readonly MillisecondClock Instance = new();

    public override long TimestampFrequency => 1000;

    public override long GetTimestamp() => Environment.TickCount64;
}
