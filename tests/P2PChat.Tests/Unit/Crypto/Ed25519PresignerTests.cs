// Ed25519 signatures with nonces made ahead of time (Ed25519Presigner) and the arithmetic under them: scalars modulo L
// against BigInteger, and every signature checked by BouncyCastle's verifier, each with a nonce of its own.
using System.Numerics;
using System.Text;
using P2PChat.Net.Crypto;

namespace P2PChat.Tests.Crypto;

public class Ed25519PresignerTests
{
    private static BigInteger Number(ReadOnlySpan<byte> littleEndian) => new(littleEndian, isUnsigned: true, isBigEndian: false);

    private static byte[] Bytes(BigInteger value, int size)
    {
        var bytes = new byte[size];
        value.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        return bytes;
    }

    private static readonly BigInteger Order = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493");

    private static BigInteger FromLimbs(ReadOnlySpan<uint> limbs)
    {
        BigInteger value = 0;
        for (int i = limbs.Length - 1; i >= 0; i--)
            value = (value << 32) + limbs[i];
        return value;
    }

    [Test]
    public async Task The_constants_are_L_and_Barrett_s_mu_for_it()
    {
        await Assert.That(FromLimbs(Scalar25519.Order)).IsEqualTo(Order);
        await Assert.That(FromLimbs(Scalar25519.Mu)).IsEqualTo(BigInteger.Pow(2, 512) / Order);
    }

    [Test]
    public async Task Reduction_and_multiply_add_modulo_L_agree_with_big_integers_on_random_and_extreme_inputs()
    {
        BigInteger order = Order;
        var random = new Random(7);
        var wides = new List<byte[]> { new byte[64], Enumerable.Repeat((byte)0xff, 64).ToArray(), Bytes(order, 64),
            Bytes(order - 1, 64), Bytes(order + 1, 64), Bytes(order * order - 1, 64) };
        for (int i = 0; i < 2000; i++)
        {
            var wide = new byte[64];
            random.NextBytes(wide);
            wides.Add(wide);
        }
        var result = new byte[32];
        foreach (byte[] wide in wides)
        {
            Scalar25519.Reduce(wide, result);
            await Assert.That(Number(result)).IsEqualTo(Number(wide) % order);
        }

        var scalars = new List<BigInteger> { 0, 1, order - 1, order - 2 };
        for (int i = 0; i < 300; i++)
        {
            var bytes = new byte[64];
            random.NextBytes(bytes);
            scalars.Add(Number(bytes) % order);
        }
        for (int i = 0; i < scalars.Count; i++)
        {
            BigInteger a = scalars[i], b = scalars[(i * 7 + 3) % scalars.Count], c = scalars[(i * 13 + 5) % scalars.Count];
            Scalar25519.MulAdd(Bytes(a, 32), Bytes(b, 32), Bytes(c, 32), result);
            await Assert.That(Number(result)).IsEqualTo((a * b + c) % order);
        }
    }

    [Test]
    public async Task Presigned_signatures_verify_each_with_a_nonce_of_its_own_and_none_is_made_without_a_nonce()
    {
        var random = new SeededRandomSource(new Random(3));
        IdentityKey key = IdentityKey.Generate(random);
        var presigner = new Ed25519Presigner(key, random);
        var signature = new byte[64];

        await Assert.That(presigner.TrySign("too soon"u8, signature)).IsFalse();

        var nonces = new HashSet<string>();
        for (int i = 0; i < 60; i++)
        {
            presigner.MakeOne();
            byte[] message = Encoding.UTF8.GetBytes($"line {i}");
            await Assert.That(presigner.TrySign(message, signature)).IsTrue();
            await Assert.That(IdentityKey.Verify(key.Public, message, signature)).IsTrue();
            await Assert.That(nonces.Add(Convert.ToHexString(signature, 0, 32))).IsTrue();
            await Assert.That(IdentityKey.Verify(key.Public, Encoding.UTF8.GetBytes($"line {i}!"), signature)).IsFalse();
        }

        for (int i = 0; i < Ed25519Presigner.Capacity + 2; i++)
            presigner.MakeOne();
        await Assert.That(presigner.Ready).IsEqualTo(Ed25519Presigner.Capacity);
        for (int i = 0; i < Ed25519Presigner.Capacity; i++)
            await Assert.That(presigner.TrySign("burst"u8, signature)).IsTrue();
        await Assert.That(presigner.TrySign("one more"u8, signature)).IsFalse();
        await Assert.That(presigner.Presigned).IsEqualTo(60 + Ed25519Presigner.Capacity);
    }
}
