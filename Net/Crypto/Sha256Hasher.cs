// SHA-256 over BouncyCastle's managed Sha256Digest (the BCL's SHA256 is OpenSSL). One instance is reused for many
// hashes and allocates nothing after construction.
using Org.BouncyCastle.Crypto.Digests;

namespace P2PChat.Net.Crypto;

internal sealed class Sha256Hasher
{
    public const int Size = 32;

    public const int BlockSize = 64;

    [ThreadStatic]
    private static Sha256Hasher? t_shared;

    private readonly Sha256Digest _digest = new();

    public void Append(ReadOnlySpan<byte> data) => _digest.BlockUpdate(data);

    /// <summary>Writes the hash of everything appended since the last Finish and starts over.</summary>
    public void Finish(Span<byte> hash32)
    {
        if (hash32.Length < Size)
            throw new ArgumentException($"the hash needs {Size} bytes", nameof(hash32));
        _digest.DoFinal(hash32);
    }

    public static void Hash(ReadOnlySpan<byte> data, Span<byte> hash32)
    {
        if (hash32.Length < Size)
            throw new ArgumentException($"the hash needs {Size} bytes", nameof(hash32));
        var hasher = t_shared ??= new Sha256Hasher();
        hasher.Append(data);
        hasher.Finish(hash32);
    }
}
