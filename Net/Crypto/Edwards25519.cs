// [k]B on edwards25519 for a secret k, encoded as RFC 8032 encodes a point: the one operation Ed25519Presigner needs
// that BouncyCastle does not offer for an arbitrary scalar (its own signing allocates ~1.7 KB a call). Field arithmetic
// is BouncyCastle's (X25519Field, public). The method is ref10's fixed-base comb: k in signed radix 16 (64 digits in
// -8..8), a table of d * 256^i * B for i < 32 and d = 1..8 in affine (y+x, y-x, 2dxy) form, 64 mixed additions and 4
// doublings; the addition is the unified one in extended coordinates for a = -1 (Hisil, Wong, Carter, Dawson 2008,
// "add-2008-hwcd-3"), complete on this curve, so it also doubles. Constant time: every table entry of a position is
// read and the digit's entry kept with a conditional move, its sign applied the same way, and the final inversion is
// an exponentiation; the secret never chooses a branch or an address. Nothing is allocated per call: each instance
// owns its scratch, so give each thread its own. The table (256 points, 30 KB) is built once, on first use (~3 ms).
using F = Org.BouncyCastle.Math.EC.Rfc7748.X25519Field;

namespace P2PChat.Net.Crypto;

internal sealed class Edwards25519
{
    public const int PointSize = 32;

    private const int Positions = 32, Multiples = 8, Digits = 64;

    private readonly Point _sum = new(), _double = new();
    private readonly Niels _chosen = new(), _negated = new();
    private readonly Scratch _scratch = new();
    private readonly sbyte[] _digits = new sbyte[Digits];
    private readonly int[] _zInverse = F.Create(), _x = F.Create(), _y = F.Create();
    private readonly int[][] _chain = [F.Create(), F.Create(), F.Create(), F.Create()];

    /// <summary>Writes the encoding of [<paramref name="scalar"/>]B; the scalar is 32 bytes little-endian, below L.</summary>
    public void MultiplyBase(ReadOnlySpan<byte> scalar, Span<byte> encoded)
    {
        if (scalar.Length != 32 || encoded.Length < PointSize)
            throw new ArgumentException("a scalar is 32 bytes and a point needs 32");
        Niels[][] table = Table.Value;
        Recode(scalar, _digits);
        _sum.SetIdentity();
        for (int i = 1; i < Digits; i += 2)
        {
            Select(table[i / 2], _digits[i]);
            AddNiels(_sum, _chosen, _scratch);
        }
        for (int i = 0; i < 4; i++)
            Add(_sum, _sum, _sum, _scratch);
        for (int i = 0; i < Digits; i += 2)
        {
            Select(table[i / 2], _digits[i]);
            AddNiels(_sum, _chosen, _scratch);
        }
        Encode(_sum, encoded);
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
    private void Select(Niels[] row, sbyte digit)
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

    /// <summary>r = p + q (p, q and r may be the same point).</summary>
    private static void Add(Point p, Point q, Point r, Scratch s)
    {
        F.Sub(p.Y, p.X, s.A);
        F.Sub(q.Y, q.X, s.H);
        F.Mul(s.A, s.H, s.A);       // A = (Y1 - X1)(Y2 - X2)
        F.Add(p.Y, p.X, s.B);
        F.Add(q.Y, q.X, s.H);
        F.Mul(s.B, s.H, s.B);       // B = (Y1 + X1)(Y2 + X2)
        F.Mul(p.T, q.T, s.C);
        F.Mul(s.C, TwoD, s.C);      // C = T1 2d T2
        F.Mul(p.Z, q.Z, s.D);
        F.Add(s.D, s.D, s.D);       // D = 2 Z1 Z2
        Finish(r, s);
    }

    /// <summary>p += q for an affine q given as (y+x, y-x, 2dxy): Add with Z2 = 1 and T2 2d made beforehand.</summary>
    private static void AddNiels(Point p, Niels q, Scratch s)
    {
        F.Sub(p.Y, p.X, s.A);
        F.Mul(s.A, q.YMinusX, s.A); // A = (Y1 - X1)(y2 - x2)
        F.Add(p.Y, p.X, s.B);
        F.Mul(s.B, q.YPlusX, s.B);  // B = (Y1 + X1)(y2 + x2)
        F.Mul(p.T, q.XY2D, s.C);    // C = T1 2d x2 y2
        F.Add(p.Z, p.Z, s.D);       // D = 2 Z1
        Finish(p, s);
    }

    private static void Finish(Point r, Scratch s)
    {
        F.Sub(s.B, s.A, s.E);       // E = B - A
        F.Sub(s.D, s.C, s.Fe);      // F = D - C
        F.Add(s.D, s.C, s.G);       // G = D + C
        F.Add(s.B, s.A, s.H);       // H = B + A
        F.Carry(s.E);
        F.Carry(s.Fe);
        F.Carry(s.G);
        F.Carry(s.H);
        F.Mul(s.E, s.Fe, r.X);
        F.Mul(s.G, s.H, r.Y);
        F.Mul(s.E, s.H, r.T);
        F.Mul(s.Fe, s.G, r.Z);
    }

    /// <summary>RFC 8032 5.1.2: y little-endian, with the low bit of x in the top bit.</summary>
    private void Encode(Point p, Span<byte> encoded)
    {
        Invert(p.Z, _zInverse, _chain);
        F.Mul(p.X, _zInverse, _x);
        F.Mul(p.Y, _zInverse, _y);
        F.Normalize(_x);
        F.Normalize(_y);
        Span<byte> xBytes = stackalloc byte[PointSize];
        F.Encode((ReadOnlySpan<int>)_y, encoded[..PointSize]);
        F.Encode((ReadOnlySpan<int>)_x, xBytes);
        encoded[PointSize - 1] |= (byte)((xBytes[0] & 1) << 7);
        xBytes.Clear();
        Array.Clear(_zInverse);
        Array.Clear(_x);
        Array.Clear(_y);
    }

    /// <summary>z = x^(p - 2) = 1/x (ref10's addition chain: 254 squarings, 11 multiplications, no branch).</summary>
    private static void Invert(int[] x, int[] z, int[][] t)
    {
        int[] t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3];
        F.Sqr(x, t0);               // x^2
        F.Sqr(t0, 2, t1);           // x^8
        F.Mul(x, t1, t1);           // x^9
        F.Mul(t0, t1, t0);          // x^11
        F.Sqr(t0, t2);              // x^22
        F.Mul(t1, t2, t1);          // x^(2^5 - 1)
        F.Sqr(t1, 5, t2);
        F.Mul(t2, t1, t1);          // x^(2^10 - 1)
        F.Sqr(t1, 10, t2);
        F.Mul(t2, t1, t2);          // x^(2^20 - 1)
        F.Sqr(t2, 20, t3);
        F.Mul(t3, t2, t2);          // x^(2^40 - 1)
        F.Sqr(t2, 10, t2);
        F.Mul(t2, t1, t1);          // x^(2^50 - 1)
        F.Sqr(t1, 50, t2);
        F.Mul(t2, t1, t2);          // x^(2^100 - 1)
        F.Sqr(t2, 100, t3);
        F.Mul(t3, t2, t2);          // x^(2^200 - 1)
        F.Sqr(t2, 50, t2);
        F.Mul(t2, t1, t1);          // x^(2^250 - 1)
        F.Sqr(t1, 5, t1);           // x^(2^255 - 32)
        F.Mul(t1, t0, z);           // x^(2^255 - 21) = x^(p - 2)
        foreach (int[] temporary in t)
            Array.Clear(temporary);
    }

    /// <summary>2d, where d = -121665 / 121666 is the curve's constant.</summary>
    private static readonly int[] TwoD = MakeTwoD();

    /// <summary>table[i][j] = (j + 1) * 256^i * B.</summary>
    private static readonly Lazy<Niels[][]> Table = new(MakeTable);

    private static int[] MakeTwoD()
    {
        int[] numerator = F.Create(), denominator = F.Create(), d = F.Create();
        numerator[0] = 121665;
        F.Negate(numerator, numerator);
        denominator[0] = 121666;
        F.Inv(denominator, denominator);
        F.Mul(numerator, denominator, d);
        F.Add(d, d, d);
        F.Normalize(d);
        return d;
    }

    private static Niels[][] MakeTable()
    {
        var scratch = new Scratch();
        int[][] chain = [F.Create(), F.Create(), F.Create(), F.Create()];
        int[] zInverse = F.Create(), x = F.Create(), y = F.Create();
        Point position = MakeBase(), multiple = new();
        var table = new Niels[Positions][];
        for (int i = 0; i < Positions; i++)
        {
            table[i] = new Niels[Multiples];
            multiple.CopyFrom(position);
            for (int j = 0; j < Multiples; j++)
            {
                if (j > 0)
                    Add(multiple, position, multiple, scratch);
                Invert(multiple.Z, zInverse, chain);
                F.Mul(multiple.X, zInverse, x);
                F.Mul(multiple.Y, zInverse, y);
                var entry = new Niels();
                F.Add(y, x, entry.YPlusX);
                F.Sub(y, x, entry.YMinusX);
                F.Mul(x, y, entry.XY2D);
                F.Mul(entry.XY2D, TwoD, entry.XY2D);
                F.Normalize(entry.YPlusX);
                F.Normalize(entry.YMinusX);
                F.Normalize(entry.XY2D);
                table[i][j] = entry;
            }
            for (int k = 0; k < 8; k++)
                Add(position, position, position, scratch); // 256 times further
        }
        return table;
    }

    private static Point MakeBase()
    {
        // y = 4/5; x from -x^2 + y^2 = 1 + d x^2 y^2, i.e. x^2 = (y^2 - 1) / (d y^2 + 1), the even root.
        int[] y = F.Create(), four = F.Create(), five = F.Create(), u = F.Create(), v = F.Create(), x = F.Create(), d = F.Create();
        four[0] = 4;
        five[0] = 5;
        F.Inv(five, five);
        F.Mul(four, five, y);
        F.Normalize(y);
        F.Copy(TwoD, 0, d, 0);
        int[] half = F.Create();
        half[0] = 2;
        F.Inv(half, half);
        F.Mul(d, half, d);          // d = 2d / 2
        F.Sqr(y, u);
        F.Mul(d, u, v);
        F.SubOne(u);                // u = y^2 - 1
        F.AddOne(v);                // v = d y^2 + 1
        F.Carry(u);
        F.Carry(v);
        if (!F.SqrtRatioVar(u, v, x))
            throw new InvalidOperationException("edwards25519: no base point (field arithmetic broken)");
        F.Normalize(x);
        byte[] xBytes = new byte[PointSize];
        F.Encode(x, xBytes, 0);
        if ((xBytes[0] & 1) != 0)
        {
            F.Negate(x, x);
            F.Normalize(x);
        }
        var b = new Point();
        F.Copy(x, 0, b.X, 0);
        F.Copy(y, 0, b.Y, 0);
        F.One(b.Z);
        F.Mul(x, y, b.T);
        return b;
    }

    /// <summary>A point in extended coordinates: x = X/Z, y = Y/Z, xy = T/Z.</summary>
    private sealed class Point
    {
        public readonly int[] X = F.Create(), Y = F.Create(), Z = F.Create(), T = F.Create();

        public void SetIdentity()
        {
            F.Zero(X);
            F.One(Y);
            F.One(Z);
            F.Zero(T);
        }

        public void CopyFrom(Point p)
        {
            F.Copy(p.X, 0, X, 0);
            F.Copy(p.Y, 0, Y, 0);
            F.Copy(p.Z, 0, Z, 0);
            F.Copy(p.T, 0, T, 0);
        }

        public void Wipe()
        {
            Array.Clear(X);
            Array.Clear(Y);
            Array.Clear(Z);
            Array.Clear(T);
        }
    }

    /// <summary>An affine point as (y + x, y - x, 2dxy), ready for a mixed addition.</summary>
    private sealed class Niels
    {
        public readonly int[] YPlusX = F.Create(), YMinusX = F.Create(), XY2D = F.Create();

        public void SetIdentity()
        {
            F.One(YPlusX);
            F.One(YMinusX);
            F.Zero(XY2D);
        }

        /// <summary>This = p when <paramref name="condition"/> is -1 (all ones); unchanged when it is 0.</summary>
        public void ConditionalCopy(int condition, Niels p)
        {
            F.CMov(condition, p.YPlusX, 0, YPlusX, 0);
            F.CMov(condition, p.YMinusX, 0, YMinusX, 0);
            F.CMov(condition, p.XY2D, 0, XY2D, 0);
        }

        public void Wipe()
        {
            Array.Clear(YPlusX);
            Array.Clear(YMinusX);
            Array.Clear(XY2D);
        }
    }

    /// <summary>Scratch for one addition.</summary>
    private sealed class Scratch
    {
        public readonly int[] A = F.Create(), B = F.Create(), C = F.Create(), D = F.Create(),
            E = F.Create(), Fe = F.Create(), G = F.Create(), H = F.Create();
    }
}
