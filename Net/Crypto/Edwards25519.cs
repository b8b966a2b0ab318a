// [k]B on edwards25519 for a secret k, encoded as RFC 8032 encodes a point: the one operation Ed25519Presigner needs
// that BouncyCastle does not offer for an arbitrary scalar (its own signing allocates ~1.7 KB a call). The arithmetic
// is EdwardsMath's. The method is ref10's fixed-base comb: k in signed radix 16 (64 digits in -8..8), a table of
// d * 256^i * B for i < 32 and d = 1..8 in affine (y+x, y-x, 2dxy) form, 64 mixed additions and 4 doublings.
// Constant time: every table entry of a position is read and the digit's entry kept with a conditional move, its sign
// applied the same way, and the final inversion is an exponentiation; the secret never chooses a branch or an
// address. Nothing is allocated per call: each instance owns its scratch, so give each thread its own. The table
// (256 points, 30 KB) is built once, on first use (~3 ms).
using F = Org.BouncyCastle.Math.EC.Rfc7748.X25519Field;

namespace P2PChat.Net.Crypto;

internal sealed class Edwards25519
{
    public const int PointSize = EdwardsMath.PointSize;

    private const int Positions = 32, Multiples = 8, Digits = 64;

    private readonly EdwardsPoint _sum = new();
    private readonly EdwardsNiels _chosen = new(), _negated = new();
    private readonly EdwardsScratch _scratch = new();
    private readonly sbyte[] _digits = new sbyte[Digits];

    /// <summary>Writes the encoding of [<paramref name="scalar"/>]B; the scalar is 32 bytes little-endian, below L.</summary>
    public void MultiplyBase(ReadOnlySpan<byte> scalar, Span<byte> encoded)
    {
        if (scalar.Length != 32 || encoded.Length < PointSize)
            throw new ArgumentException("a scalar is 32 bytes and a point needs 32");
        EdwardsNiels[][] table = Table.Value;
        Recode(scalar, _digits);
        _sum.SetIdentity();
        for (int i = 1; i < Digits; i += 2)
        {
            Select(table[i / 2], _digits[i]);
            EdwardsMath.AddNiels(_sum, _chosen, _scratch);
        }
        for (int i = 0; i < 4; i++)
            EdwardsMath.Double(_sum, _scratch, withT: i == 3);
        for (int i = 0; i < Digits; i += 2)
        {
            Select(table[i / 2], _digits[i]);
            EdwardsMath.AddNiels(_sum, _chosen, _scratch);
        }
        EdwardsMath.Encode(_sum, encoded, _scratch);
        Array.Clear(_digits);
        _sum.Wipe();
        _chosen.Wipe();
        _negated.Wipe();
    }

    /// <summary>k = sum of digits[i] * 16^i with every digit in -8..8 (ref10's ge_scalarmult_base recoding).</summary>
    private static void Recode(ReadOnlySpan<byte> scalar, sbyte[] digits)
    {
        for (int i = 0; i < 32; i++)
        {
            digits[2 * i] = (sbyte)(scalar[i] & 15);
            digits[2 * i + 1] = (sbyte)(scalar[i] >> 4);
        }
        int carry = 0;
        for (int i = 0; i < Digits - 1; i++)
        {
            int digit = digits[i] + carry;
            carry = (digit + 8) >> 4;
            digits[i] = (sbyte)(digit - (carry << 4));
        }
        digits[Digits - 1] = (sbyte)(digits[Digits - 1] + carry); // k < L < 2^253: the top digit is at most 2
    }

    /// <summary>_chosen = digit * (the position's base), reading all eight entries whatever the digit.</summary>
    private void Select(EdwardsNiels[] row, sbyte digit)
    {
        int negative = digit >> 7; // -1 when negative
        int magnitude = (digit ^ negative) - negative;
        _chosen.SetIdentity();
        for (int j = 0; j < Multiples; j++)
            _chosen.ConditionalCopy(Equal(magnitude, j + 1), row[j]);
        // -(x, y) = (-x, y): y+x and y-x swap, 2dxy changes sign.
        F.Copy(_chosen.YMinusX, 0, _negated.YPlusX, 0);
        F.Copy(_chosen.YPlusX, 0, _negated.YMinusX, 0);
        F.Negate(_chosen.XY2D, _negated.XY2D);
        _chosen.ConditionalCopy(negative, _negated);
    }

    /// <summary>-1 when a == b, 0 otherwise, for small non-negative a and b, without a branch.</summary>
    private static int Equal(int a, int b) => ((a ^ b) - 1) >> 31;

    /// <summary>table[i][j] = (j + 1) * 256^i * B.</summary>
    private static readonly Lazy<EdwardsNiels[][]> Table = new(MakeTable);

    private static EdwardsNiels[][] MakeTable()
    {
        var scratch = new EdwardsScratch();
        EdwardsPoint position = EdwardsMath.MakeBase(), multiple = new();
        var table = new EdwardsNiels[Positions][];
        for (int i = 0; i < Positions; i++)
        {
            table[i] = new EdwardsNiels[Multiples];
            multiple.CopyFrom(position);
            for (int j = 0; j < Multiples; j++)
            {
                if (j > 0)
                    EdwardsMath.Add(multiple, position, multiple, scratch);
                var entry = new EdwardsNiels();
                EdwardsMath.ToNiels(multiple, entry, scratch);
                table[i][j] = entry;
            }
            for (int k = 0; k < 8; k++)
                EdwardsMath.Double(position, scratch, withT: k == 7); // 256 times further
        }
        return table;
    }
}
