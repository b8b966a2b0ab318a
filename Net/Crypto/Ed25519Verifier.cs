// Checks Ed25519 signatures (RFC 8032 5.1.7, pure Ed25519) without allocating: every line and announcement a peer
// receives is checked once, and BouncyCastle's Verify allocated 6,176 bytes a call (a digest, arrays, points), most of
// what a peer allocated, so its collections came with the lines. It accepts exactly what BouncyCastle 2.7's Verify
// accepts, the check p2pchat used before (the tests compare them on valid, corrupted and hostile inputs): R's y below
// p, S below L, a public key whose y is below p - 1 and not that of a point of order 1, 2, 4 or 8, both decodable; then
// RFC 8032's cofactored equation [8][S]B = [8]R + [8][k]A with k = SHA-512(R || A || M) mod L (BouncyCastle 2.7 accepts
// a key or an R of mixed order whenever the equation without the 8s is off by a point of small order only; so does
// this). The equation is checked times v1, as [8]([v1 S]B - [v0]A - [v1]R) = O, with v0 = v1 k (mod L) and both below
// 2^127 (ScalarPair; BouncyCastle does the same), so that one chain of ~128 doublings (Straus) serves four half-size
// scalars: v1 S mod L split at 2^128 over tables of B's and [2^128]B's odd multiples up to 63 (w = 7, 32 affine points
// each, made once), v0 over A's up to 15A and v1 over R's (w = 5, 8 points); each scalar in width-w NAF (odd digits
// below 2^(w-1) in magnitude, at least w - 1 zeros after each, so ~128/(w+1) additions each). A's multiples are made on
// a key's first check and kept for the next (16 keys, by their first byte: a line's author usually says more than one,
// and where several nodes share a thread, as in one process, they share its verifier). Variable time: everything here
// is public. One instance per thread.
using Org.BouncyCastle.Crypto.Digests;

namespace P2PChat.Net.Crypto;

internal sealed class Ed25519Verifier
{
    public const int PublicSize = 32, SignatureSize = 64;

    private const int BaseWidth = 7, KeyWidth = 5;
    private const int ScalarBits = 256;
    private const int CachedKeys = 16;

    private readonly EdwardsScratch _scratch = new();
    private readonly EdwardsPoint _sum = new(), _key = new(), _twice = new(), _walk = new(), _r = new();
    private readonly EdwardsCached[] _rTable = MakeCachedTable();
    private readonly EdwardsCached[][] _keyTables = MakeKeyTables();
    private readonly byte[][] _cachedKeys = MakeKeySlots();
    private readonly bool[] _cached = new bool[CachedKeys];
    private readonly sbyte[] _lowDigits = new sbyte[ScalarBits], _highDigits = new sbyte[ScalarBits],
        _keyDigits = new sbyte[ScalarBits], _rDigits = new sbyte[ScalarBits];
    private readonly ScalarPair _pair = new();
    private readonly byte[] _v0 = new byte[Scalar25519.Size], _v1 = new byte[Scalar25519.Size];
    private readonly byte[] _v1S = new byte[Scalar25519.Size], _low = new byte[Scalar25519.Size], _high = new byte[Scalar25519.Size];
    private readonly Sha512Digest _sha512 = new();
    private readonly byte[] _hash = new byte[64];
    private readonly byte[] _k = new byte[Scalar25519.Size];

    /// <summary>True only for a valid signature; false for any wrong length, non-canonical or off-curve key or R, S
    /// not below L, or a small-order key.</summary>
    public bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicSize || signature.Length != SignatureSize)
            return false;
        ReadOnlySpan<byte> r = signature[..EdwardsMath.PointSize], s = signature[EdwardsMath.PointSize..];
        if (YAtLeast(r, PLow) || !Scalar25519.IsBelowOrderVar(s))
            return false;
        EdwardsCached[]? keyTable = KeyTable(publicKey);
        if (keyTable is null || !EdwardsMath.DecodeVar(r, negate: true, _r, _scratch))
            return false;

        _sha512.BlockUpdate(r);
        _sha512.BlockUpdate(publicKey);
        _sha512.BlockUpdate(message);
        _sha512.DoFinal(_hash, 0);
        Scalar25519.Reduce(_hash, _k);

        // [8]([v1 S]B - [v0]A - [v1]R) = O is the cofactored equation times v1 (v0 = v1 k mod L, both about 2^127): a
        // chain of ~128 doublings with v1 S split at 2^128 over B's and [2^128]B's tables, v0 over A's, v1 over R's.
        _pair.Split(_k, _v0, out bool v0Negative, _v1);
        Scalar25519.MulAdd(_v1, s, Zero, _v1S);
        _v1S.AsSpan(0, 16).CopyTo(_low);
        _v1S.AsSpan(16, 16).CopyTo(_high);
        Recode(_low, BaseWidth, _lowDigits);
        Recode(_high, BaseWidth, _highDigits);
        Recode(_v0, KeyWidth, _keyDigits);
        Recode(_v1, KeyWidth, _rDigits);
        MultiplesOf(_r, _rTable);
        EdwardsNiels[] baseTable = BaseTable.Value, highTable = HighBaseTable.Value;
        int top = ScalarBits - 1;
        while (top >= 0 && _lowDigits[top] == 0 && _highDigits[top] == 0 && _keyDigits[top] == 0 && _rDigits[top] == 0)
            top--;
        _sum.SetIdentity();
        for (int i = top; i >= 0; i--)
        {
            int low = _lowDigits[i], high = _highDigits[i], key = _keyDigits[i], rDigit = _rDigits[i];
            EdwardsMath.Double(_sum, _scratch, withT: (low | high | key | rDigit) != 0);
            if (low != 0)
                EdwardsMath.AddNiels(_sum, baseTable[Math.Abs(low) >> 1], _scratch, subtract: low < 0);
            if (high != 0)
                EdwardsMath.AddNiels(_sum, highTable[Math.Abs(high) >> 1], _scratch, subtract: high < 0);
            if (key != 0) // keyTable holds -A's multiples: -[v0]A
                EdwardsMath.AddCached(_sum, keyTable[Math.Abs(key) >> 1], _scratch, subtract: (key < 0) ^ v0Negative);
            if (rDigit != 0) // _rTable holds -R's: -[v1]R
                EdwardsMath.AddCached(_sum, _rTable[Math.Abs(rDigit) >> 1], _scratch, subtract: rDigit < 0);
        }
        for (int i = 0; i < 3; i++)
            EdwardsMath.Double(_sum, _scratch, withT: false);
        return EdwardsMath.IsIdentityVar(_sum);
    }

    /// <summary>table[i] = (2i + 1) p.</summary>
    private void MultiplesOf(EdwardsPoint p, EdwardsCached[] table)
    {
        _twice.CopyFrom(p);
        EdwardsMath.Double(_twice, _scratch, withT: true);
        _walk.CopyFrom(p);
        EdwardsMath.ToCached(_walk, table[0]);
        for (int i = 1; i < table.Length; i++)
        {
            EdwardsMath.Add(_walk, _twice, _walk, _scratch);
            EdwardsMath.ToCached(_walk, table[i]);
        }
    }

    private static readonly byte[] Zero = new byte[Scalar25519.Size];

    /// <summary>The odd multiples of -A for this key, kept from an earlier check or made now; null when the key is
    /// refused (BouncyCastle's test, or it does not decode).</summary>
    private EdwardsCached[]? KeyTable(ReadOnlySpan<byte> publicKey)
    {
        int slot = publicKey[0] & (CachedKeys - 1);
        EdwardsCached[] table = _keyTables[slot];
        if (_cached[slot] && publicKey.SequenceEqual(_cachedKeys[slot]))
            return table;
        _cached[slot] = false;
        if (!IsAcceptableKey(publicKey) || !EdwardsMath.DecodeVar(publicKey, negate: true, _key, _scratch))
            return null;
        MultiplesOf(_key, table); // _key is -A
        publicKey.CopyTo(_cachedKeys[slot]);
        _cached[slot] = true;
        return table;
    }

    /// <summary>The width-w NAF of a scalar below 2^253: digits[i] odd with |digits[i]| below 2^(w-1), or 0, and at
    /// least w - 1 zeros after each nonzero digit; sum of digits[i] 2^i is the scalar.</summary>
    internal static void Recode(ReadOnlySpan<byte> scalar, int width, sbyte[] digits)
    {
        Array.Clear(digits);
        int window = 1 << width, half = window >> 1;
        int carry = 0;
        for (int position = 0; position < ScalarBits;)
        {
            // What is left to write is floor(scalar / 2^position) + carry; its parity decides the digit.
            if (Bit(scalar, position) == carry)
            {
                position++;
                continue;
            }
            int value = Window(scalar, position, window - 1) + carry; // odd, below 2^w
            if (value > half)
            {
                digits[position] = (sbyte)(value - window);
                carry = 1;
            }
            else
            {
                digits[position] = (sbyte)value;
                carry = 0;
            }
            position += width;
        }
    }

    private static int Bit(ReadOnlySpan<byte> scalar, int position) => (scalar[position >> 3] >> (position & 7)) & 1;

    private static int Window(ReadOnlySpan<byte> scalar, int position, int mask)
    {
        int index = position >> 3;
        int word = scalar[index] | (index + 1 < scalar.Length ? scalar[index + 1] << 8 : 0);
        return (word >> (position & 7)) & mask;
    }

    /// <summary>The low byte of p = 2^255 - 19, and of p - 1.</summary>
    private const byte PLow = 0xed, PMinusOneLow = 0xec;

    /// <summary>Whether the encoding's y (its top bit ignored) is at least 2^255 - 256 + <paramref name="low"/>.</summary>
    private static bool YAtLeast(ReadOnlySpan<byte> encoded, byte low)
    {
        if ((encoded[31] & 0x7f) != 0x7f || encoded[0] < low)
            return false;
        foreach (byte b in encoded[1..31])
        {
            if (b != 0xff)
                return false;
        }
        return true;
    }

    /// <summary>BouncyCastle's test of a public key before decoding it: y below p - 1 (canonical, and not the point of
    /// order 2), not 0 or 1 (order 4, the identity), not the y of a point of order 8.</summary>
    private static bool IsAcceptableKey(ReadOnlySpan<byte> key)
    {
        if (YAtLeast(key, PMinusOneLow))
            return false;
        if (key[0] <= 1 && (key[31] & 0x7f) == 0 && !key[1..31].ContainsAnyExcept((byte)0))
            return false;
        return !SameY(key, Order8Y1) && !SameY(key, Order8Y2);
    }

    private static bool SameY(ReadOnlySpan<byte> encoded, ReadOnlySpan<byte> y) =>
        encoded[..31].SequenceEqual(y[..31]) && (encoded[31] & 0x7f) == y[31];

    /// <summary>The y coordinates of edwards25519's points of order 8, little-endian (the tests check their order).</summary>
    internal static ReadOnlySpan<byte> Order8Y1 =>
    [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
        0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a,
    ];

    internal static ReadOnlySpan<byte> Order8Y2 =>
    [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
        0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05,
    ];

    /// <summary>BaseTable[i] = (2i + 1)B, HighBaseTable[i] = (2i + 1)[2^128]B, for i below 2^(BaseWidth - 2).</summary>
    private static readonly Lazy<EdwardsNiels[]> BaseTable = new(() => MakeBaseTable(doublings: 0));

    private static readonly Lazy<EdwardsNiels[]> HighBaseTable = new(() => MakeBaseTable(doublings: 128));

    private static EdwardsNiels[] MakeBaseTable(int doublings)
    {
        var scratch = new EdwardsScratch();
        EdwardsPoint walk = EdwardsMath.MakeBase(), twice = new();
        for (int i = 0; i < doublings; i++)
            EdwardsMath.Double(walk, scratch, withT: true);
        twice.CopyFrom(walk);
        EdwardsMath.Double(twice, scratch, withT: true);
        var table = new EdwardsNiels[1 << (BaseWidth - 2)];
        for (int i = 0; i < table.Length; i++)
        {
            if (i > 0)
                EdwardsMath.Add(walk, twice, walk, scratch);
            table[i] = new EdwardsNiels();
            EdwardsMath.ToNiels(walk, table[i], scratch);
        }
        return table;
    }

    private static EdwardsCached[] MakeCachedTable()
    {
        var table = new EdwardsCached[1 << (KeyWidth - 2)];
        for (int i = 0; i < table.Length; i++)
            table[i] = new EdwardsCached();
        return table;
    }

    private static EdwardsCached[][] MakeKeyTables()
    {
        var tables = new EdwardsCached[CachedKeys][];
        for (int i = 0; i < CachedKeys; i++)
            tables[i] = MakeCachedTable();
        return tables;
    }

    private static byte[][] MakeKeySlots()
    {
        var slots = new byte[CachedKeys][];
        for (int i = 0; i < CachedKeys; i++)
            slots[i] = new byte[PublicSize];
        return slots;
    }
}
