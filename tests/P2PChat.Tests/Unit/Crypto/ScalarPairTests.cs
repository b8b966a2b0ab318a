// The half-size pair a verifier checks with instead of the challenge k (ScalarPair): v0 = v1 k (mod L), v1 positive,
// both below 2^127, against BigInteger for random and extreme k; and its constants.
using System.Numerics;
using P2PChat.Net.Crypto;
using static P2PChat.Tests.Crypto.ScalarNumbers;

namespace P2PChat.Tests.Crypto;

public class ScalarPairTests
{
    [Test]
    public async Task Its_constants_are_L_and_L_squared()
    {
        await Assert.That(FromLimbs(ScalarPair.Order)).IsEqualTo(Order);
        await Assert.That(FromLimbs(ScalarPair.OrderSquared)).IsEqualTo(Order * Order);
    }

    [Test]
    public async Task Every_k_gives_a_pair_below_2_to_the_127_with_v0_equal_to_v1_k_modulo_L()
    {
        var random = new Random(41);
        var ks = new List<BigInteger> { 0, 1, 2, 3, Order - 1, Order - 2, BigInteger.Pow(2, 252), BigInteger.Pow(2, 127),
            BigInteger.Pow(2, 127) - 1, BigInteger.Pow(2, 126) + 1, (Order - 1) / 2 };
        for (int i = 0; i < 3000; i++)
        {
            var bytes = new byte[32];
            random.NextBytes(bytes);
            ks.Add(Number(bytes) % Order);
        }
        var pair = new ScalarPair();
        var v0 = new byte[32];
        var v1 = new byte[32];
        var k = new byte[32];
        int mostRounds = 0;
        BigInteger bound = BigInteger.Pow(2, 127);
        foreach (BigInteger value in ks)
        {
            Array.Clear(k);
            value.TryWriteBytes(k, out _, isUnsigned: true, isBigEndian: false);
            pair.Split(k, v0, out bool v0Negative, v1);
            BigInteger a = v0Negative ? -Number(v0) : Number(v0), b = Number(v1);
            await Assert.That(b > 0 && b < bound && BigInteger.Abs(a) < bound).IsTrue().Because($"k = {value}: v0 = {a}, v1 = {b}");
            await Assert.That(((a - b * value) % Order + Order) % Order).IsEqualTo(BigInteger.Zero).Because($"k = {value}");
            mostRounds = Math.Max(mostRounds, pair.Rounds);
        }
        await Assert.That(mostRounds).IsLessThan(200);
    }
}
