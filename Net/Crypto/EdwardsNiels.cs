// An affine point of edwards25519 as (y + x, y - x, 2dxy), ready for a mixed addition (EdwardsMath.AddNiels): the form
// of precomputed multiples of the base point.
using F = Org.BouncyCastle.Math.EC.Rfc7748.X25519Field;

namespace P2PChat.Net.Crypto;

internal sealed class EdwardsNiels
{
    public readonly int[] YPlusX = F.Create(), YMinusX = F.Create(), XY2D = F.Create();

    public void SetIdentity()
    {
        F.One(YPlusX);
        F.One(YMinusX);
        F.Zero(XY2D);
    }

    /// <summary>This = p when <paramref name="condition"/> is -1 (all ones); unchanged when it is 0.</summary>
    public void ConditionalCopy(int condition, EdwardsNiels p)
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
