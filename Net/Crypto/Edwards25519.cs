// [k]B on edwards25519, encoded as RFC 8032 encodes a point: the one operation Ed25519Presigner needs that
// BouncyCastle does not offer for an arbitrary scalar. Field arithmetic is BouncyCastle's (X25519Field, public); the
// point formulas are the unified addition in extended coordinates for a = -1 (Hisil, Wong, Carter, Dawson 2008,
// "add-2008-hwcd-3"), complete on this curve, so one formula also doubles. Constant time: double-and-add-always over
// all 253 bits, the sum kept or not with a conditional move, so the secret scalar never chooses a branch or an address.
// About 250 µs a call: made ahead of time, off the path of a line (Ed25519Presigner).
using F = Org.BouncyCastle.Math.EC.Rfc7748.X25519Field;

namespace P2PChat.Net.Crypto;

internal static class Edwards25519
{
    public const int PointSize = 32;

    private const int ScalarBits = 253; // L < 2^253

    /// <summary>2d, where d = -121665 / 121666 is the curve's constant.</summary>
    private static readonly int[] TwoD = MakeTwoD();

    /// <summary>The base point B (y = 4/5, x even), in extended coordinates.</summary>
    private static readonly Point Base = MakeBase();

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

        /// <summary>This = p when <paramref name="condition"/> is -1 (all ones); unchanged when it is 0.</summary>
        public void ConditionalCopy(int condition, Point p)
        {
            F.CMov(condition, p.X, 0, X, 0);
            F.CMov(condition, p.Y, 0, Y, 0);
            F.CMov(condition, p.Z, 0, Z, 0);
            F.CMov(condition, p.T, 0, T, 0);
        }
    }

    /// <summary>Scratch for one Add (the caller's, so nothing is allocated per call).</summary>
    private sealed class Scratch
    {
        public readonly int[] A = F.Create(), B = F.Create(), C = F.Create(), D = F.Create(),
            E = F.Create(), Fe = F.Create(), G = F.Create(), H = F.Create();
    }

    /// <summary>Writes the encoding of [<paramref name="scalar"/>]B; the scalar is 32 bytes little-endian, below L.</summary>
    public static void MultiplyBase(ReadOnlySpan<byte> scalar, Span<byte> encoded)
    {
        var q = new Point();
        var sum = new Point();
        var scratch = new Scratch();
        q.SetIdentity();
        for (int bit = ScalarBits - 1; bit >= 0; bit--)
        {
            Add(q, q, q, scratch);
            Add(q, Base, sum, scratch);
            int set = -((scalar[bit >> 3] >> (bit & 7)) & 1);
            q.ConditionalCopy(set, sum);
        }
        Encode(q, encoded);
        Wipe(q);
        Wipe(sum);
    }

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
    private static void Encode(Point p, Span<byte> encoded)
    {
        int[] zInverse = F.Create(), x = F.Create(), y = F.Create();
        F.Inv(p.Z, zInverse);
        F.Mul(p.X, zInverse, x);
        F.Mul(p.Y, zInverse, y);
        F.Normalize(x);
        F.Normalize(y);
        byte[] bytes = new byte[PointSize], xBytes = new byte[PointSize];
        F.Encode(y, bytes, 0);
        F.Encode(x, xBytes, 0);
        bytes[PointSize - 1] |= (byte)((xBytes[0] & 1) << 7);
        bytes.CopyTo(encoded);
        Array.Clear(bytes);
        Array.Clear(xBytes);
    }

    private static void Wipe(Point p)
    {
        Array.Clear(p.X);
        Array.Clear(p.Y);
        Array.Clear(p.Z);
        Array.Clear(p.T);
    }

    private static int[] MakeTwoD()
    {
        // d = -121665 / 121666.
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
}
