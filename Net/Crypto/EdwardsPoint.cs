// A point of edwards25519 in extended coordinates (Hisil, Wong, Carter, Dawson 2008): x = X/Z, y = Y/Z, xy = T/Z.
// Field elements are BouncyCastle's X25519Field limbs; EdwardsMath does the arithmetic.
using F = Org.BouncyCastle.Math.EC.Rfc7748.X25519Field;

namespace P2PChat.Net.Crypto;

internal sealed class EdwardsPoint
{
    public readonly int[] X = F.Create(), Y = F.Create(), Z = F.Create(), T = F.Create();

    public void SetIdentity()
    {
        F.Zero(X);
        F.One(Y);
        F.One(Z);
        F.Zero(T);
    }

    public void CopyFrom(EdwardsPoint p)
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
