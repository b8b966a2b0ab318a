// A property the fuzzer checks did not hold (or the code under test threw): the target, the seed that reproduces it
// and the one-line command that replays it.
namespace P2PChat.Tests.Fuzz;

internal sealed class FuzzFailure(FuzzTarget target, int seed, string message, Exception? inner = null)
    : Exception($"{target} seed {seed}: {message}", inner)
{
    public FuzzTarget Target { get; } = target;
    public int Seed { get; } = seed;

    public string Replay => $"dotnet run --project tools/fuzz -c Release -- --target {Target.ToString().ToLowerInvariant()} --seed {Seed} --cases 1";

    public string Report => $"{Message}{(InnerException is null ? "" : $"\n  {InnerException}")}\n  replay: {Replay}";
}
