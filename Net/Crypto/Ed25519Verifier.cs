// Checks Ed25519 signatures (RFC 8032 5.1.7, pure Ed25519) without allocating: every line and announcement a peer
// receives is checked once, and BouncyCastle's Verify allocated ~3 KB a call (a digest, arrays, points), most of an
// idle network's garbage and the likely cause of a GC region touched to 2 MiB in every peer. It accepts exactly what
// BouncyCastle 2.7's Verify accepts, the check p2pchat used before (the tests compare them on valid, corrupted and
// hostile inputs): R's y below p, S below L, a public key whose y is below p - 1 and not that of a point of order 1,
// 2, 4 or 8, both decodable; then RFC 8032's cofactored equation [8][S]B = [8]R + [8][k]A with k = SHA-512(R || A ||
// M) mod L (BouncyCastle 2.7 accepts a key or an R of mixed order whenever the equation without the 8s is off by a
// point of small order only; so does this). [S]B - [k]A - R is computed in one chain of doublings (Straus), each
// scalar in width-w NAF: odd digits below 2^(w-1) in magnitude, at least w - 1 zeros after each, so a 253-bit scalar
// costs ~253/(w+1) additions. B's odd multiples up to 63B are a table made once (w = 7, 32 affine points); A's up to
// 15A are made on a key's first check and kept for the next (16 keys, by their first byte: a line's author usually
// says more than one, and where several nodes share a thread, as in one process, they share its verifier). Variable
// time: everything here is public. One instance per thread.
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
    private readonly EdwardsCached _rCached = new();
    private readonly EdwardsCached[][] _keyTables = MakeKeyTables();
    private readonly byte[][] _cachedKeys = MakeKeySlots();
    private readonly bool[] _cached = new bool[CachedKeys];
    private readonly sbyte[] _sDigits = new sbyte[ScalarBits], _kDigits = new sbyte[ScalarBits];
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

        Recode(s, BaseWidth, _sDigits);
        Recode(_k, KeyWidth, _kDigits);
        EdwardsNiels[] baseTable = BaseTable.Value;
        int top = ScalarBits - 1;
        while (top >= 0 && _sDigits[top] == 0 && _kDigits[top] == 0)
            top--;
        _sum.SetIdentity();
        for (int i = top; i >= 0; i--)
        {
            int sDigit = _sDigits[i], kDigit = _kDigits[i];
            EdwardsMath.Double(_sum, _scratch, withT: sDigit != 0 || kDigit != 0 || i == 0); // -R is added last
            if (sDigit != 0)
                EdwardsMath.AddNiels(_sum, baseTable[Math.Abs(sDigit) >> 1], _scratch, subtract: sDigit < 0);
            if (kDigit != 0)
                EdwardsMath.AddCached(_sum, keyTable[Math.Abs(kDigit) >> 1], _scratch, subtract: kDigit < 0);
        }
        EdwardsMath.ToCached(_r, _rCached);
        EdwardsMath.AddCached(_sum, _rCached, _scratch, subtract: false); // _r is -R
        for (int i = 0; i < 3; i++)
            EdwardsMath.Double(_sum, _scratch, withT: false);
        return EdwardsMath.IsIdentityVar(_sum);
    }

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
        // table[i] = (2i + 1)(-A), from _key = -A.
        _twice.CopyFrom(_key);
        EdwardsMath.Double(_twice, _scratch, withT: true);
        _walk.CopyFrom(_key);
        EdwardsMath.ToCached(_walk, table[0]);
        for (int i = 1; i < table.Length; i++)
        {
            EdwardsMath.Add(_walk, _twice, _walk, _scratch);
            EdwardsMath.ToCached(_walk, table[i]);
        }
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

    /// <summary>BaseTable[i] = (2i + 1)B for i below 2^(BaseWidth - 2).</summary>
    private static readonly Lazy<EdwardsNiels[]> BaseTable = new(MakeBaseTable);

    private static EdwardsNiels[] MakeBaseTable()
    {
        var scratch = new EdwardsScratch();
        EdwardsPoint walk = EdwardsMath.MakeBase(), twice = new();
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

    private static EdwardsCached[][] MakeKeyTables()
    {
        var tables = new EdwardsCached[CachedKeys][];
        for (int i = 0; i < CachedKeys; i++)
        {
            tables[i] = new EdwardsCached[1 << (KeyWidth - 2)];
            for (int j = 0; j < tables[i].Length; j++)
                tables[i][j] = new EdwardsCached();
        }
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
