// The three fuzz targets and the one entry point the runner (tools/fuzz) and the TUnit slice share: one case is a
// pure function of (target, seed), so a failure replays from its seed alone.
//
// Why no SharpFuzz/libFuzzer: coverage guidance needs the assembly rewritten with AFL instrumentation and a native
// harness process around it, which fits neither the native-AOT product nor the TUnit test project. These fuzzers
// are coverage-free instead and make up for it with structure: they generate valid records and frames (real Noise
// handshakes, signed lines and presence) and then mutate them, so most cases get past the crypto into the state
// machines behind it.
namespace P2PChat.Tests.Fuzz;

internal enum FuzzTarget
{
    Frames,
    Handshake,
    Session,
}

internal static class FuzzCases
{
    public static void Run(FuzzTarget target, int seed)
    {
        try
        {
            switch (target)
            {
                case FuzzTarget.Frames: FrameFuzz.Run(seed); break;
                case FuzzTarget.Handshake: HandshakeFuzz.Run(seed); break;
                case FuzzTarget.Session: SessionFuzz.Run(seed); break;
                default: throw new ArgumentOutOfRangeException(nameof(target));
            }
        }
        catch (PropertyViolation violation)
        {
            throw new FuzzFailure(target, seed, violation.Message);
        }
        catch (Exception e)
        {
            throw new FuzzFailure(target, seed, $"threw {e.GetType().Name}: {e.Message}", e);
        }
    }
}

/// <summary>A property of the fuzzed code that did not hold (as opposed to the code throwing by itself).</summary>
internal sealed class PropertyViolation(string message) : Exception(message)
{
    public static void Unless(bool holds, string message)
    {
        if (!holds)
            throw new PropertyViolation(message);
    }

    public static void Unless(bool holds, Func<string> message)
    {
        if (!holds)
            throw new PropertyViolation(message());
    }
}
