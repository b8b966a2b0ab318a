// Temporaries for EdwardsMath: one set per thread, so that no operation allocates.
using F = Org.BouncyCastle.Math.EC.Rfc7748.X25519Field;

namespace P2PChat.Net.Crypto;

internal sealed class EdwardsScratch
{
    public readonly int[] A = F.Create(), B = F.Create(), C = F.Create(), D = F.Create(),
        E = F.Create(), Fe = F.Create(), G = F.Create(), H = F.Create();

    /// <summary>For exponentiations (inversion, square roots) and encodings.</summary>
    public readonly int[] T0 = F.Create(), T1 = F.Create(), T2 = F.Create(), T3 = F.Create(),
        U = F.Create(), V = F.Create(), W = F.Create();
}
