// Big integers for the curve tests: the group order L and the field prime p, little-endian bytes and limbs to
// BigInteger and back, to check the scalar and point code against exact arithmetic.
using System.Numerics;

namespace P2PChat.Tests.Crypto;

internal static class ScalarNumbers
{
    public static readonly BigInteger Order = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493");

    public static readonly BigInteger Prime = BigInteger.Pow(2, 255) - 19;

    public static BigInteger Number(ReadOnlySpan<byte> littleEndian) => new(littleEndian, isUnsigned: true, isBigEndian: false);

    public static byte[] Bytes(BigInteger value, int size = 32)
    {
        var bytes = new byte[size];
        value.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        return bytes;
    }

    public static BigInteger FromLimbs(ReadOnlySpan<uint> limbs)
    {
        BigInteger value = 0;
        for (int i = limbs.Length - 1; i >= 0; i--)
            value = (value << 32) + limbs[i];
        return value;
    }

    public static BigInteger FromLimbs(ReadOnlySpan<ulong> limbs)
    {
        BigInteger value = 0;
        for (int i = limbs.Length - 1; i >= 0; i--)
            value = (value << 64) + limbs[i];
        return value;
    }
}
