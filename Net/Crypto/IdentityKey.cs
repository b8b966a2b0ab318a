// A peer's long-term Ed25519 key pair (RFC 8032, pure Ed25519): signs with the seed over BouncyCastle's managed
// implementation, verifies anyone's signature with our own allocation-free Ed25519Verifier, never throwing on hostile
// input.
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace P2PChat.Net.Crypto;

internal sealed class IdentityKey
{
    public const int SeedSize = 32, PublicSize = 32, SignatureSize = 64;

    private readonly byte[] _seed = new byte[SeedSize];
    private readonly byte[] _public = new byte[PublicSize];

    public IdentityKey(ReadOnlySpan<byte> seed32)
    {
        if (seed32.Length != SeedSize)
            throw new ArgumentException($"an Ed25519 seed is {SeedSize} bytes", nameof(seed32));
        seed32.CopyTo(_seed);
        Ed25519.GeneratePublicKey(_seed, _public);
    }

    public static IdentityKey Generate(IRandomSource random)
    {
        Span<byte> seed = stackalloc byte[SeedSize];
        random.Fill(seed);
        var key = new IdentityKey(seed);
        seed.Clear();
        return key;
    }

    public ReadOnlySpan<byte> Seed => _seed;

    public ReadOnlySpan<byte> Public => _public;

    public void Sign(ReadOnlySpan<byte> message, Span<byte> signature64)
    {
        if (signature64.Length < SignatureSize)
            throw new ArgumentException($"a signature needs {SignatureSize} bytes", nameof(signature64));
        // Spans throughout: a byte[] public key would bind to the overload whose byte[] is an Ed25519ctx context.
        Ed25519.Sign(_seed.AsSpan(), (ReadOnlySpan<byte>)_public, message, signature64[..SignatureSize]);
    }

    /// <summary>True only for a valid signature; false for any wrong length, non-canonical, off-curve or small-order
    /// key, non-canonical R or S (Ed25519Verifier, one per thread: it allocates nothing after its first use).</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey32, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature64) =>
        (t_verifier ??= new Ed25519Verifier()).Verify(publicKey32, message, signature64);

    [ThreadStatic]
    private static Ed25519Verifier? t_verifier;
}
