// Splits an Ed25519 challenge k into two half-size scalars (v0, v1) with v0 = v1 k (mod L) and both below 2^127 in
// magnitude, so that a verifier can check [v1 S]B = [v1]R + [v0]A instead of [S]B = R + [k]A: the same equation times
// v1 (nonzero mod L), whose scalars for A and R are half as long, so their chain of doublings is half as long too.
// (v0, v1) is a shortest vector of the lattice spanned by (L, 0) and (k, 1), found by Lagrange's reduction in Pornin's
// binary form ("Optimizing Ed25519 Signature Verification", 2020): keep u the longer of two basis vectors, subtract
// (or add) v shifted left so that the inner product p = u.v shrinks, tracking the squared norms Nu, Nv and p instead
// of recomputing them, until Nv < 2^254. About 95 rounds of shifted additions on 512-bit numbers (74-117 over 2,000
// random k in a prototype; the tests check the results against BigInteger for 3,000 and that none needs 200); past
// 1,000 rounds, which no k has needed, it gives up and returns (k, 1), the plain equation, so no k can keep it busy.
// Variable time: k is public. One instance per thread; nothing allocated.
using System.Buffers.Binary;
using System.Numerics;

namespace P2PChat.Net.Crypto;

internal sealed class ScalarPair
{
    private const int Wide = 8, Narrow = 4; // 512-bit norms and products, 256-bit vector coordinates (two's complement)
    private const int TargetBits = 254, MaxRounds = 1000;

    private ulong[] _nu = new ulong[Wide], _nv = new ulong[Wide];
    private readonly ulong[] _p = new ulong[Wide];
    private ulong[] _u0 = new ulong[Narrow], _u1 = new ulong[Narrow], _v0 = new ulong[Narrow], _v1 = new ulong[Narrow];
    private readonly ulong[] _k = new ulong[Narrow];

    /// <summary>Rounds of the last Split (for tests).</summary>
    internal int Rounds { get; private set; }

    /// <summary>Writes |v0| and v1 (positive) as 32-byte little-endian numbers for the 32-byte little-endian
    /// <paramref name="k"/> below L, and whether v0 is negative.</summary>
    public void Split(ReadOnlySpan<byte> k, Span<byte> v0, out bool v0Negative, Span<byte> v1)
    {
        for (int i = 0; i < Narrow; i++)
            _k[i] = BinaryPrimitives.ReadUInt64LittleEndian(k[(8 * i)..]);
        // u = (L, 0), v = (k, 1); Nu = L^2, Nv = k^2 + 1, p = L k.
        Order.CopyTo(_u0);
        Array.Clear(_u1);
        _k.CopyTo(_v0, 0);
        Array.Clear(_v1);
        _v1[0] = 1;
        OrderSquared.CopyTo(_nu);
        Multiply(_k, _k, _nv);
        AddShifted(_nv, One, 0);
        Multiply(Order, _k, _p);

        for (Rounds = 0; ; Rounds++)
        {
            if (Less(_nu, _nv))
            {
                (_nu, _nv) = (_nv, _nu);
                (_u0, _v0) = (_v0, _u0);
                (_u1, _v1) = (_v1, _u1);
            }
            int nvBits = BitLength(_nv);
            if (nvBits <= TargetBits)
                break;
            if (Rounds == MaxRounds)
            {
                k.CopyTo(v0);
                v0Negative = false;
                v1.Clear();
                v1[0] = 1;
                return;
            }
            int s = Math.Max(0, BitLength(_p) - nvBits);
            if ((long)_p[Wide - 1] >= 0)
            {
                // u -= v << s: Nu += Nv << 2s - p << (s + 1), p -= Nv << s.
                AddShifted(_nu, _nv, 2 * s);
                SubtractShifted(_nu, _p, s + 1);
                SubtractShifted(_p, _nv, s);
                SubtractShifted(_u0, _v0, s);
                SubtractShifted(_u1, _v1, s);
            }
            else
            {
                // u += v << s: Nu += Nv << 2s + p << (s + 1), p += Nv << s.
                AddShifted(_nu, _nv, 2 * s);
                AddShifted(_nu, _p, s + 1);
                AddShifted(_p, _nv, s);
                AddShifted(_u0, _v0, s);
                AddShifted(_u1, _v1, s);
            }
        }
        // (-v0, -v1) is as good a pair: make v1 positive.
        bool flip = (long)_v1[Narrow - 1] < 0;
        v0Negative = ((long)_v0[Narrow - 1] < 0) ^ flip;
        WriteMagnitude(_v0, v0);
        WriteMagnitude(_v1, v1);
    }

    /// <summary>|x| of a two's complement x as 32 little-endian bytes.</summary>
    private static void WriteMagnitude(ReadOnlySpan<ulong> x, Span<byte> bytes)
    {
        ulong sign = (ulong)((long)x[^1] >> 63), carry = sign & 1;
        for (int i = 0; i < Narrow; i++)
        {
            ulong limb = (x[i] ^ sign) + carry;   // negation: complement and add one
            carry = limb < carry ? 1UL : 0UL;
            BinaryPrimitives.WriteUInt64LittleEndian(bytes[(8 * i)..], limb);
        }
    }

    /// <summary>Bits of x's magnitude, for two's complement x (a negative x counts as its complement, -x - 1, which
    /// is all Pornin's shift needs).</summary>
    private static int BitLength(ReadOnlySpan<ulong> x)
    {
        ulong sign = (ulong)((long)x[^1] >> 63);
        for (int i = x.Length - 1; i >= 0; i--)
        {
            ulong limb = x[i] ^ sign;
            if (limb != 0)
                return 64 * i + 64 - BitOperations.LeadingZeroCount(limb);
        }
        return 0;
    }

    /// <summary>x < y for non-negative x and y.</summary>
    private static bool Less(ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> y)
    {
        for (int i = x.Length - 1; i >= 0; i--)
        {
            if (x[i] != y[i])
                return x[i] < y[i];
        }
        return false;
    }

    /// <summary>x += y * 2^shift, modulo 2^(64 x.Length) (two's complement y as long as x).</summary>
    private static void AddShifted(Span<ulong> x, ReadOnlySpan<ulong> y, int shift)
    {
        int words = shift >> 6, bits = shift & 63;
        ulong carry = 0, below = 0;
        for (int i = words; i < x.Length; i++)
        {
            ulong shifted = ShiftedLimb(y, i - words, bits, ref below);
            ulong sum = x[i] + shifted;
            ulong next = sum < shifted ? 1UL : 0UL;
            x[i] = sum + carry;
            carry = next | (x[i] < sum ? 1UL : 0UL);
        }
    }

    /// <summary>x -= y * 2^shift, modulo 2^(64 x.Length).</summary>
    private static void SubtractShifted(Span<ulong> x, ReadOnlySpan<ulong> y, int shift)
    {
        int words = shift >> 6, bits = shift & 63;
        ulong borrow = 0, below = 0;
        for (int i = words; i < x.Length; i++)
        {
            ulong shifted = ShiftedLimb(y, i - words, bits, ref below);
            ulong difference = x[i] - shifted;
            ulong next = x[i] < shifted ? 1UL : 0UL;
            x[i] = difference - borrow;
            borrow = next | (difference < borrow ? 1UL : 0UL);
        }
    }

    /// <summary>Limb <paramref name="index"/> of y * 2^bits (bits below 64), given limb index - 1 of y in
    /// <paramref name="below"/> (which it then holds limb index); past y's end, y's sign.</summary>
    private static ulong ShiftedLimb(ReadOnlySpan<ulong> y, int index, int bits, ref ulong below)
    {
        ulong limb = index < y.Length ? y[index] : (ulong)((long)y[^1] >> 63);
        ulong shifted = bits == 0 ? limb : limb << bits | below >> (64 - bits);
        below = limb;
        return shifted;
    }

    /// <summary>product = x * y for non-negative 256-bit x and y.</summary>
    private static void Multiply(ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> y, Span<ulong> product)
    {
        product.Clear();
        for (int i = 0; i < Narrow; i++)
        {
            ulong carry = 0;
            for (int j = 0; j < Narrow; j++)
            {
                ulong high = Math.BigMul(x[i], y[j], out ulong low);
                low += carry;
                high += low < carry ? 1UL : 0UL;
                ulong sum = product[i + j] + low;
                high += sum < low ? 1UL : 0UL;
                product[i + j] = sum;
                carry = high;
            }
            product[i + Narrow] = carry;
        }
    }

    private static ReadOnlySpan<ulong> One => [1];

    /// <summary>L in 64-bit limbs (Scalar25519's 32-bit ones, paired), and L^2 (the tests check both).</summary>
    internal static readonly ulong[] Order = MakeOrder();

    internal static readonly ulong[] OrderSquared = MakeOrderSquared();

    private static ulong[] MakeOrder()
    {
        var order = new ulong[Narrow];
        for (int i = 0; i < Narrow; i++)
            order[i] = Scalar25519.Order[2 * i] | (ulong)Scalar25519.Order[2 * i + 1] << 32;
        return order;
    }

    private static ulong[] MakeOrderSquared()
    {
        var square = new ulong[Wide];
        Multiply(Order, Order, square);
        return square;
    }
}
