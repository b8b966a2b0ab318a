// Ed25519 signatures with nonces made ahead of time (Ed25519Presigner) and the arithmetic under them: [k]B against
// BouncyCastle's public keys, scalars modulo L against BigInteger, every signature checked by the verifier (which
// Ed25519VerifierTests holds to BouncyCastle's), each with a nonce of its own, and the signature made without a nonce
// equal to BouncyCastle's byte for byte.
using System.Numerics;
using System.Text;
using P2PChat.Net.Crypto;
using static P2PChat.Tests.Crypto.ScalarNumbers;

namespace P2PChat.Tests.Crypto;

public class Ed25519PresignerTests
{
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
    public async Task The_base_point_times_a_key_s_secret_scalar_is_the_public_key_BouncyCastle_derives()
    {
        var random = new SeededRandomSource(new Random(11));
        var multiplier = new Edwards25519();
        for (int i = 0; i < 40; i++)
        {
            IdentityKey key = IdentityKey.Generate(random);
            byte[] hash = Org.BouncyCastle.Security.DigestUtilities.CalculateDigest("SHA-512", key.Seed.ToArray());
            hash[0] &= 248;
            hash[31] &= 127;
            hash[31] |= 64;
            var scalar = new byte[32];
            Scalar25519.Reduce([.. hash.AsSpan(0, 32), .. new byte[32]], scalar);
            var point = new byte[32];
            multiplier.MultiplyBase(scalar, point);
            await Assert.That(Convert.ToHexString(point)).IsEqualTo(Convert.ToHexString(key.Public));
        }
    }

    [Test]
    public async Task Small_and_extreme_scalars_times_the_base_point_match_BouncyCastle_s_keys()
    {
        // [0]B is the identity (0, 1); B is y = 4/5 with x even; [L - 1]B = -B, the same y with x odd (top bit set).
        var multiplier = new Edwards25519();
        var point = new byte[32];
        multiplier.MultiplyBase(new byte[32], point);
        byte[] identity = new byte[32];
        identity[0] = 1; // (0, 1)
        await Assert.That(Convert.ToHexString(point)).IsEqualTo(Convert.ToHexString(identity));
        multiplier.MultiplyBase(Bytes(1, 32), point);
        await Assert.That(Convert.ToHexString(point)).IsEqualTo("5866666666666666666666666666666666666666666666666666666666666666");
        multiplier.MultiplyBase(Bytes(Order - 1, 32), point);
        await Assert.That(Convert.ToHexString(point)).IsEqualTo("5866666666666666666666666666666666666666666666666666666666666666".Remove(62) + "E6")
            .Because("-B has B's y and the other x");
    }

    [Test]
    public async Task A_signature_made_without_a_nonce_is_BouncyCastle_s_RFC_8032_signature_byte_for_byte()
    {
        var random = new SeededRandomSource(new Random(5));
        var bytes = new Random(6);
        var ours = new byte[64];
        var theirs = new byte[64];
        foreach (int length in new[] { 0, 1, 32, 63, 64, 100, 127, 128, 1000 })
            for (int i = 0; i < 6; i++)
            {
                IdentityKey key = IdentityKey.Generate(random);
                var message = new byte[length];
                bytes.NextBytes(message);
                new Ed25519Presigner(key, random).Sign(message, ours);
                key.Sign(message, theirs);
                await Assert.That(Convert.ToHexString(ours)).IsEqualTo(Convert.ToHexString(theirs)).Because($"{length}-byte message");
            }
    }

    [Test]
    public async Task Signing_and_making_nonces_allocate_nothing_in_steady_state()
    {
        var random = new SeededRandomSource(new Random(8));
        var presigner = new Ed25519Presigner(IdentityKey.Generate(random), random);
        var message = new byte[100];
        var signature = new byte[64];
        var nonce = new byte[32];
        var point = new byte[32];
        await Assert.That(Allocations.InSteadyState(() => presigner.Sign(message, signature))).IsEqualTo(0);
        await Assert.That(Allocations.InSteadyState(() => presigner.MakeInto(nonce, point))).IsEqualTo(0);
        await Assert.That(Allocations.InSteadyState(() =>
        {
            presigner.MakeOne();
            presigner.TrySign(message, signature);
        })).IsEqualTo(0);
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
