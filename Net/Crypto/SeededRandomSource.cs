// Deterministic "random" bytes from a seeded System.Random, for the simulator and tests (same seed, same keys).
// Never for real keys: System.Random is predictable.
namespace P2PChat.Net.Crypto;

internal sealed class SeededRandomSource(Random random) : IRandomSource
{
    public void Fill(Span<byte> destination) => random.NextBytes(destination);
}
