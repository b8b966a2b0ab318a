// X25519 key agreement (RFC 7748) over BouncyCastle's managed Curve25519 arithmetic: ephemeral and static keys of the
// Noise handshake. Private keys are 32 random bytes; clamping happens inside every scalar multiplication.
using Org.BouncyCastle.Math.EC.Rfc7748;

namespace P2PChat.Net.Crypto;

internal static class X25519Keys
{
    public const int Size = 32;

    public static void GeneratePrivate(IRandomSource random, Span<byte> privateKey32)
    {
        CheckOutput(privateKey32, nameof(privateKey32));
        random.Fill(privateKey32[..Size]);
    }

    public static void PublicFromPrivate(ReadOnlySpan<byte> privateKey32, Span<byte> publicKey32)
    {
        CheckKey(privateKey32, nameof(privateKey32));
        CheckOutput(publicKey32, nameof(publicKey32));
        X25519.ScalarMultBase(privateKey32, publicKey32[..Size]);
    }

    /// <summary>The shared secret; false (and a zeroed output) when the peer's key is not 32 bytes or the result is
    /// all zeros, which a low-order point from a hostile peer produces.</summary>
    public static bool Agree(ReadOnlySpan<byte> privateKey32, ReadOnlySpan<byte> peerPublic32, Span<byte> shared32)
    {
        CheckKey(privateKey32, nameof(privateKey32));
        CheckOutput(shared32, nameof(shared32));
        if (peerPublic32.Length != Size)
        {
            shared32[..Size].Clear();
            return false;
        }
        if (X25519.CalculateAgreement(privateKey32, peerPublic32, shared32[..Size]))
            return true;
        shared32[..Size].Clear();
        return false;
    }

    private static void CheckKey(ReadOnlySpan<byte> key, string name)
    {
        if (key.Length != Size)
            throw new ArgumentException($"an X25519 key is {Size} bytes", name);
    }

    private static void CheckOutput(Span<byte> output, string name)
    {
        if (output.Length < Size)
            throw new ArgumentException($"the output needs {Size} bytes", name);
    }
}
