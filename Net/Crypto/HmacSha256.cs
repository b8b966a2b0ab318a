// HMAC-SHA256 (RFC 2104) over a caller's Sha256Hasher, for the Noise HKDF. The message comes in two parts so that
// HKDF's "previous output || counter byte" needs no concatenation buffer.
namespace P2PChat.Net.Crypto;

internal static class HmacSha256
{
    public const int Size = Sha256Hasher.Size;

    public static void Compute(Sha256Hasher hasher, ReadOnlySpan<byte> key, ReadOnlySpan<byte> part1,
        ReadOnlySpan<byte> part2, Span<byte> mac32)
    {
        Span<byte> pad = stackalloc byte[Sha256Hasher.BlockSize];
        Span<byte> inner = stackalloc byte[Size];
        pad.Clear();
        if (key.Length > Sha256Hasher.BlockSize)
        {
            hasher.Append(key);
            hasher.Finish(pad);
        }
        else
        {
            key.CopyTo(pad);
        }

        for (int i = 0; i < pad.Length; i++)
            pad[i] ^= 0x36;
        hasher.Append(pad);
        hasher.Append(part1);
        hasher.Append(part2);
        hasher.Finish(inner);

        for (int i = 0; i < pad.Length; i++)
            pad[i] ^= 0x36 ^ 0x5c;
        hasher.Append(pad);
        hasher.Append(inner);
        hasher.Finish(mac32);
        pad.Clear();
        inner.Clear();
    }
}
