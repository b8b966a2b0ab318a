// A projective point of edwards25519 as (Y + X, Y - X, 2Z, 2dT), ready for an addition (EdwardsMath.AddCached): the
// form of a public key's precomputed multiples, which are not worth an inversion each to make affine.
using F = Org.BouncyCastle.Math.EC.Rfc7748.X25519Field;

namespace P2PChat.Net.Crypto;

internal sealed class EdwardsCached
{
    public readonly int[] YPlusX = F.Create(), YMinusX = F.Create(), Z2 = F.Create(), T2D = F.Create();
}
