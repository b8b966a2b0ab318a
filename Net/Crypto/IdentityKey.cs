// A peer's long-term Ed25519 key pair (RFC 8032, pure Ed25519) over BouncyCastle's managed implementation: signs with
// the seed, verifies anyone's signature without throwing on hostile input.
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

    /// <summary>True only for a valid signature; false for any wrong length, non-canonical or off-curve key or
    /// signature (BouncyCastle checks the point decoding and that S is below the group order).</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey32, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature64)
    {
        if (publicKey32.Length != PublicSize || signature64.Length != SignatureSize)
            return false;
        try
        {
            return Ed25519.Verify(signature64, publicKey32, message);
        }
        catch (ArgumentException)
        {
            // Defensive: the lengths are checked above, so BouncyCastle has nothing left to reject by throwing.
            return false;
        }
    }
}
