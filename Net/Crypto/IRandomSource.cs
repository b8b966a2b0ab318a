// Where key material comes from: the operating system in the real program, a seeded generator in the simulator and
// tests, so the same seed gives the same keys and the same bytes on the wire.
namespace P2PChat.Net.Crypto;

internal interface IRandomSource
{
    /// <summary>Fills all of <paramref name="destination"/> with random bytes.</summary>
    void Fill(Span<byte> destination);
}
