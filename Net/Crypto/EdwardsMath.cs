// Arithmetic on edwards25519 (RFC 8032's curve -x^2 + y^2 = 1 + d x^2 y^2 over p = 2^255 - 19) over BouncyCastle's
// field limbs (X25519Field, public): what Edwards25519's fixed-base comb and Ed25519Verifier share. Additions are the
// unified ones in extended coordinates for a = -1 (Hisil, Wong, Carter, Dawson 2008, "add-2008-hwcd-3"), complete on
// this curve; doubling is "dbl-2008-hwcd". The operations named Var branch on their input and are for public values
// only (a signature being checked); the rest run in constant time, for secrets. Nothing allocates: temporaries live in
// the caller's EdwardsScratch.
using F = Org.BouncyCastle.Math.EC.Rfc7748.X25519Field;

namespace P2PChat.Net.Crypto;

internal static class EdwardsMath
{
    public const int PointSize = 32;

    /// <summary>d = -121665 / 121666, the curve's constant.</summary>
    public static readonly int[] D = MakeD();

    /// <summary>2d, the constant of the additions.</summary>
    public static readonly int[] TwoD = MakeTwoD();

    /// <summary>A square root of -1: 2^((p - 1) / 4).</summary>
    public static readonly int[] SqrtMinusOne = MakeSqrtMinusOne();

    /// <summary>r = p + q (p, q and r may be the same point).</summary>
    public static void Add(EdwardsPoint p, EdwardsPoint q, EdwardsPoint r, EdwardsScratch s)
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
        Combine(s, negateC: false);
        Product(r, s, withT: true);
    }

    /// <summary>p += q, or p -= q when <paramref name="subtract"/>, for an affine q given as (y+x, y-x, 2dxy): Add with
    /// Z2 = 1 and T2 2d made beforehand. -q = (-x, y) swaps y+x with y-x and negates 2dxy.</summary>
    public static void AddNiels(EdwardsPoint p, EdwardsNiels q, EdwardsScratch s, bool subtract = false)
    {
        F.Sub(p.Y, p.X, s.A);
        F.Mul(s.A, subtract ? q.YPlusX : q.YMinusX, s.A);  // A = (Y1 - X1)(y2 - x2)
        F.Add(p.Y, p.X, s.B);
        F.Mul(s.B, subtract ? q.YMinusX : q.YPlusX, s.B);  // B = (Y1 + X1)(y2 + x2)
        F.Mul(p.T, q.XY2D, s.C);                            // C = T1 2d x2 y2
        F.Add(p.Z, p.Z, s.D);                               // D = 2 Z1
        Combine(s, subtract);
        Product(p, s, withT: true);
    }

    /// <summary>p += q, or p -= q when <paramref name="subtract"/>, for q in (Y+X, Y-X, 2Z, 2dT) form.</summary>
    public static void AddCached(EdwardsPoint p, EdwardsCached q, EdwardsScratch s, bool subtract)
    {
        F.Sub(p.Y, p.X, s.A);
        F.Mul(s.A, subtract ? q.YPlusX : q.YMinusX, s.A);
        F.Add(p.Y, p.X, s.B);
        F.Mul(s.B, subtract ? q.YMinusX : q.YPlusX, s.B);
        F.Mul(p.T, q.T2D, s.C);
        F.Mul(p.Z, q.Z2, s.D);
        Combine(s, subtract);
        Product(p, s, withT: true);
    }

    /// <summary>p = 2p. T is left stale unless <paramref name="withT"/>: a doubling followed by another doubling does
    /// not need it, and it costs a multiplication.</summary>
    public static void Double(EdwardsPoint p, EdwardsScratch s, bool withT)
    {
        F.Sqr(p.X, s.A);            // XX
        F.Sqr(p.Y, s.B);            // YY
        F.Sqr(p.Z, s.C);
        F.Add(s.C, s.C, s.C);       // 2 Z^2
        F.Add(p.X, p.Y, s.D);
        F.Sqr(s.D, s.D);            // (X + Y)^2
        F.Add(s.B, s.A, s.H);       // H = YY + XX
        F.Sub(s.B, s.A, s.G);       // G = YY - XX
        F.Sub(s.D, s.H, s.E);       // E = 2XY
        F.Sub(s.C, s.G, s.Fe);      // F = 2Z^2 - G
        F.Carry(s.Fe);              // four squares deep (BouncyCastle's doubling carries it too)
        Product(p, s, withT);
    }

    /// <summary>E, F, G, H of an addition from its A, B, C, D (C taken negated for a subtraction). Only D + C, four
    /// products deep, is carried before the multiplications: BouncyCastle's field takes three (its own Ed25519 carries
    /// the same one), and a carry is a tenth of a multiplication.</summary>
    private static void Combine(EdwardsScratch s, bool negateC)
    {
        F.Sub(s.B, s.A, s.E);       // E = B - A
        if (negateC)
        {
            F.Add(s.D, s.C, s.Fe);  // F = D + C
            F.Sub(s.D, s.C, s.G);   // G = D - C
            F.Carry(s.Fe);
        }
        else
        {
            F.Sub(s.D, s.C, s.Fe);  // F = D - C
            F.Add(s.D, s.C, s.G);   // G = D + C
            F.Carry(s.G);
        }
        F.Add(s.B, s.A, s.H);       // H = B + A
    }

    /// <summary>r = (EF, GH, FG, EH), the common end of additions and doublings.</summary>
    private static void Product(EdwardsPoint r, EdwardsScratch s, bool withT)
    {
        F.Mul(s.E, s.Fe, r.X);
        F.Mul(s.G, s.H, r.Y);
        if (withT)
            F.Mul(s.E, s.H, r.T);
        F.Mul(s.Fe, s.G, r.Z);
    }

    /// <summary>The (Y+X, Y-X, 2Z, 2dT) form of p, for repeated additions.</summary>
    public static void ToCached(EdwardsPoint p, EdwardsCached c)
    {
        F.Add(p.Y, p.X, c.YPlusX);
        F.Sub(p.Y, p.X, c.YMinusX);
        F.Add(p.Z, p.Z, c.Z2);
        F.Mul(p.T, TwoD, c.T2D);
    }

    /// <summary>The affine (y+x, y-x, 2dxy) form of p, normalized (for tables made once).</summary>
    public static void ToNiels(EdwardsPoint p, EdwardsNiels n, EdwardsScratch s)
    {
        Invert(p.Z, s.U, s);
        F.Mul(p.X, s.U, s.V);
        F.Mul(p.Y, s.U, s.W);
        F.Add(s.W, s.V, n.YPlusX);
        F.Sub(s.W, s.V, n.YMinusX);
        F.Mul(s.V, s.W, n.XY2D);
        F.Mul(n.XY2D, TwoD, n.XY2D);
        F.Normalize(n.YPlusX);
        F.Normalize(n.YMinusX);
        F.Normalize(n.XY2D);
    }

    /// <summary>RFC 8032 5.1.2: y little-endian, with the low bit of x in the top bit. The inversion takes constant
    /// time and the temporaries are wiped after (the point may be a secret nonce's).</summary>
    public static void Encode(EdwardsPoint p, Span<byte> encoded, EdwardsScratch s)
    {
        Invert(p.Z, s.U, s);
        F.Mul(p.X, s.U, s.V);
        F.Mul(p.Y, s.U, s.W);
        F.Normalize(s.V);
        F.Normalize(s.W);
        F.Encode((ReadOnlySpan<int>)s.W, encoded[..PointSize]);
        encoded[PointSize - 1] |= (byte)((s.V[0] & 1) << 7);
        Array.Clear(s.U);
        Array.Clear(s.V);
        Array.Clear(s.W);
    }

    /// <summary>Whether p is the identity (0, 1): X = 0 and Y = Z. Normalizes p's coordinates.</summary>
    public static bool IsIdentityVar(EdwardsPoint p)
    {
        F.Normalize(p.X);
        F.Normalize(p.Y);
        F.Normalize(p.Z);
        return F.IsZeroVar(p.X) && F.AreEqualVar(p.Y, p.Z);
    }

    /// <summary>RFC 8032 5.1.3 for a public encoding whose y the caller has checked to be below p: false when no
    /// point has it (x^2 not a square, or x = 0 with its sign bit set). With <paramref name="negate"/>, the point's
    /// negation (what a verifier subtracts).</summary>
    public static bool DecodeVar(ReadOnlySpan<byte> encoded, bool negate, EdwardsPoint p, EdwardsScratch s)
    {
        F.Decode255(encoded[..PointSize], p.Y);
        F.Sqr(p.Y, s.U);
        F.Mul(D, s.U, s.V);
        F.SubOne(s.U);              // u = y^2 - 1
        F.AddOne(s.V);              // v = d y^2 + 1
        if (!SqrtRatioVar(s.U, s.V, p.X, s))
            return false;
        F.Normalize(p.X);
        int sign = encoded[PointSize - 1] >> 7;
        if (sign == 1 && F.IsZeroVar(p.X))
            return false;
        if (negate ^ (sign != (p.X[0] & 1)))
        {
            F.Negate(p.X, p.X);
            F.Normalize(p.X);
        }
        F.One(p.Z);
        F.Mul(p.X, p.Y, p.T);
        return true;
    }

    /// <summary>x = sqrt(u / v) when it exists (RFC 8032 5.1.3 step 3): x = u v^3 (u v^7)^((p - 5) / 8), then
    /// v x^2 is u (done), -u (x times sqrt(-1)), or neither (no root). u and v must not be T0-T3 or W.</summary>
    private static bool SqrtRatioVar(int[] u, int[] v, int[] x, EdwardsScratch s)
    {
        F.Sqr(v, s.W);
        F.Mul(s.W, v, s.W);         // v^3
        F.Sqr(s.W, x);
        F.Mul(x, v, x);             // v^7
        F.Mul(x, u, x);             // u v^7
        PowP58(x, x, s);
        F.Mul(x, s.W, x);
        F.Mul(x, u, x);             // u v^3 (u v^7)^((p - 5) / 8)
        F.Sqr(x, s.W);
        F.Mul(s.W, v, s.W);         // v x^2
        F.Normalize(s.W);
        F.Copy(u, 0, s.T0, 0);
        F.Normalize(s.T0);
        if (F.AreEqualVar(s.W, s.T0))
            return true;
        F.Negate(s.T0, s.T0);
        F.Normalize(s.T0);
        if (!F.AreEqualVar(s.W, s.T0))
            return false;
        F.Mul(x, SqrtMinusOne, x);
        return true;
    }

    /// <summary>z = 1/x = x^(p - 2), in constant time; the temporaries are wiped after.</summary>
    public static void Invert(int[] x, int[] z, EdwardsScratch s)
    {
        Pow22501(x, s);
        F.Sqr(s.T1, 5, s.T1);       // x^(2^255 - 32)
        F.Mul(s.T1, s.T0, z);       // x^(2^255 - 21) = x^(p - 2)
        Array.Clear(s.T0);
        Array.Clear(s.T1);
        Array.Clear(s.T2);
        Array.Clear(s.T3);
    }

    /// <summary>z = x^((p - 5) / 8) = x^(2^252 - 3).</summary>
    private static void PowP58(int[] x, int[] z, EdwardsScratch s)
    {
        Pow22501(x, s);
        F.Sqr(s.T1, 2, s.T1);       // x^(2^252 - 4)
        F.Mul(s.T1, x, z);
    }

    /// <summary>T0 = x^11 and T1 = x^(2^250 - 1): ref10's addition chain, shared by inversion and square roots (254
    /// squarings and 11 multiplications in all for an inversion, no branch).</summary>
    private static void Pow22501(int[] x, EdwardsScratch s)
    {
        int[] t0 = s.T0, t1 = s.T1, t2 = s.T2, t3 = s.T3;
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
    }

    /// <summary>The base point B: y = 4/5 and the even x.</summary>
    public static EdwardsPoint MakeBase()
    {
        var s = new EdwardsScratch();
        int[] y = F.Create(), five = F.Create();
        five[0] = 5;
        F.Inv(five, five);
        y[0] = 4;
        F.Mul(y, five, y);
        F.Normalize(y);
        var encoded = new byte[PointSize];
        F.Encode((ReadOnlySpan<int>)y, encoded);    // sign bit 0: the even x
        var b = new EdwardsPoint();
        if (!DecodeVar(encoded, negate: false, b, s))
            throw new InvalidOperationException("edwards25519: no base point (field arithmetic broken)");
        return b;
    }

    private static int[] MakeD()
    {
        int[] numerator = F.Create(), denominator = F.Create(), d = F.Create();
        numerator[0] = 121665;
        F.Negate(numerator, numerator);
        denominator[0] = 121666;
        F.Inv(denominator, denominator);
        F.Mul(numerator, denominator, d);
        F.Normalize(d);
        return d;
    }

    private static int[] MakeTwoD()
    {
        int[] twoD = F.Create();
        F.Add(D, D, twoD);
        F.Normalize(twoD);
        return twoD;
    }

    private static int[] MakeSqrtMinusOne()
    {
        // 2^((p - 1) / 4) = 2^(2^253 - 5) = (2^(2^252 - 3))^2 * 2.
        var s = new EdwardsScratch();
        int[] two = F.Create(), root = F.Create();
        two[0] = 2;
        PowP58(two, root, s);
        F.Sqr(root, root);
        F.Mul(root, two, root);
        F.Normalize(root);
        return root;
    }
}
