// Arithmetic modulo L = 2^252 + 27742317777372353535851937790883648493, the order of Ed25519's base point: what a
// signature's S = r + h * a (mod L) needs (Ed25519Presigner). Numbers are 32-byte little-endian, as in RFC 8032.
// Constant time: fixed loops over 32-bit limbs, Barrett reduction (HAC 14.42) with its corrections done as masked
// selects, so neither the secret scalar nor the nonce changes how long it takes.
using System.Buffers.Binary;

namespace P2PChat.Net.Crypto;

internal static class Scalar25519
{
    public const int Size = 32;

    private const int K = 8; // limbs of L (2^253 > L: it fits 8 limbs of 32 bits)

    /// <summary>L in 32-bit limbs, least significant first, with a ninth zero limb (for the 9-limb remainders of
    /// Barrett's reduction). Constants rather than BigInteger arithmetic at startup (tests check both against
    /// BigInteger).</summary>
    internal static ReadOnlySpan<uint> Order =>
        [0x5cf5d3ed, 0x5812631a, 0xa2f79cd6, 0x14def9de, 0x00000000, 0x00000000, 0x00000000, 0x10000000, 0x00000000];

    /// <summary>Barrett's mu = floor(2^512 / L), 9 limbs.</summary>
    internal static ReadOnlySpan<uint> Mu =>
        [0x0a2c131b, 0xed9ce5a3, 0x086329a7, 0x2106215d, 0xffffffeb, 0xffffffff, 0xffffffff, 0xffffffff, 0x0000000f];

    /// <summary>Whether the 32-byte little-endian <paramref name="s"/> is below L (a signature's S must be). Variable
    /// time: for public values.</summary>
    public static bool IsBelowOrderVar(ReadOnlySpan<byte> s)
    {
        for (int i = K - 1; i >= 0; i--)
        {
            uint limb = BinaryPrimitives.ReadUInt32LittleEndian(s[(4 * i)..]);
            if (limb != Order[i])
                return limb < Order[i];
        }
        return false;
    }

    /// <summary>The 64-byte little-endian <paramref name="wide"/> (a SHA-512 output) modulo L.</summary>
    public static void Reduce(ReadOnlySpan<byte> wide, Span<byte> result)
    {
        Span<uint> x = stackalloc uint[2 * K];
        for (int i = 0; i < 2 * K; i++)
            x[i] = BinaryPrimitives.ReadUInt32LittleEndian(wide[(4 * i)..]);
        BarrettReduce(x, result);
    }

    /// <summary>(<paramref name="a"/> * <paramref name="b"/> + <paramref name="c"/>) modulo L; each input below L.</summary>
    public static void MulAdd(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c, Span<byte> result)
    {
        Span<uint> x = stackalloc uint[2 * K];
        Span<uint> left = stackalloc uint[K];
        Span<uint> right = stackalloc uint[K];
        for (int i = 0; i < K; i++)
        {
            left[i] = BinaryPrimitives.ReadUInt32LittleEndian(a[(4 * i)..]);
            right[i] = BinaryPrimitives.ReadUInt32LittleEndian(b[(4 * i)..]);
            x[i] = BinaryPrimitives.ReadUInt32LittleEndian(c[(4 * i)..]);
        }
        // x = c + a * b, schoolbook: below L^2 + L < 2^512.
        for (int i = 0; i < K; i++)
        {
            ulong carry = 0;
            for (int j = 0; j < K; j++)
            {
                ulong t = (ulong)left[i] * right[j] + x[i + j] + carry;
                x[i + j] = (uint)t;
                carry = t >> 32;
            }
            for (int j = i + K; j < 2 * K; j++)
            {
                ulong t = x[j] + carry;
                x[j] = (uint)t;
                carry = t >> 32;
            }
        }
        BarrettReduce(x, result);
    }

    /// <summary>x (16 limbs, below 2^512) modulo L, as 32 bytes.</summary>
    private static void BarrettReduce(ReadOnlySpan<uint> x, Span<byte> result)
    {
        // q3 = floor(floor(x / b^(k-1)) * mu / b^(k+1)): within 2 of floor(x / L).
        ReadOnlySpan<uint> q1 = x.Slice(K - 1, K + 1);
        Span<uint> q2 = stackalloc uint[2 * (K + 1)];
        Multiply(q1, Mu, q2);
        ReadOnlySpan<uint> q3 = q2.Slice(K + 1, K + 1);

        // r = (x - q3 * L) mod b^(k+1), then at most two subtractions of L.
        Span<uint> product = stackalloc uint[2 * (K + 1)];
        Multiply(q3, Order, product);
        Span<uint> r = stackalloc uint[K + 1];
        Subtract(x[..(K + 1)], product[..(K + 1)], r);
        SubtractIfNotBelow(r);
        SubtractIfNotBelow(r);
        for (int i = 0; i < K; i++)
            BinaryPrimitives.WriteUInt32LittleEndian(result[(4 * i)..], r[i]);
    }

    /// <summary>r = r - L when r >= L, chosen with a mask rather than a branch.</summary>
    private static void SubtractIfNotBelow(Span<uint> r)
    {
        Span<uint> t = stackalloc uint[K + 1];
        uint keep = (uint)Subtract(r, Order, t); // all ones when r < L (the subtraction borrowed): keep r
        for (int i = 0; i <= K; i++)
            r[i] = (r[i] & keep) | (t[i] & ~keep);
    }

    /// <summary>result = a - b over their K + 1 limbs, modulo b^(k+1); returns the last borrow: -1 when a < b, else 0.</summary>
    private static long Subtract(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b, Span<uint> result)
    {
        long borrow = 0;
        for (int i = 0; i <= K; i++)
        {
            long d = (long)a[i] - b[i] + borrow;
            result[i] = (uint)d;
            borrow = d >> 32;
        }
        return borrow;
    }

    /// <summary>Full product of two equal-length limb strings into twice their length.</summary>
    private static void Multiply(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b, Span<uint> product)
    {
        product.Clear();
        for (int i = 0; i < a.Length; i++)
        {
            ulong carry = 0;
            for (int j = 0; j < b.Length; j++)
            {
                ulong t = (ulong)a[i] * b[j] + product[i + j] + carry;
                product[i + j] = (uint)t;
                carry = t >> 32;
            }
            product[i + b.Length] = (uint)carry;
        }
    }
}
