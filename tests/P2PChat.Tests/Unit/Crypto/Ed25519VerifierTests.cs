// Our Ed25519 verifier (Ed25519Verifier) against BouncyCastle 2.7's, the one p2pchat used before and older peers still
// use: both must accept and refuse exactly the same signatures, or a line one peer shows another would drop. Checked on
// RFC 8032's first vector, valid signatures, every kind of corruption, and the inputs an attacker would try: S not
// below L, R or the key not canonical, not on the curve, of small order, or off by a point of small order.
using System.Numerics;
using P2PChat.Net.Crypto;
using static P2PChat.Tests.Crypto.ScalarNumbers;
using Bc = Org.BouncyCastle.Math.EC.Rfc8032.Ed25519;

namespace P2PChat.Tests.Crypto;

public class Ed25519VerifierTests
{
    private static bool Theirs(byte[] key, byte[] message, byte[] signature) =>
        Bc.Verify(signature, 0, key, 0, message, 0, message.Length);

    /// <summary>Both verifiers' answer; fails the test when they differ.</summary>
    private static async Task<bool> Agreed(Ed25519Verifier verifier, byte[] key, byte[] message, byte[] signature, string what)
    {
        bool ours = verifier.Verify(key, message, signature);
        await Assert.That(ours).IsEqualTo(Theirs(key, message, signature))
            .Because($"{what}: key {Hex.Of(key)}, signature {Hex.Of(signature)}, {message.Length}-byte message");
        return ours;
    }

    [Test]
    public async Task RFC_8032_s_first_test_vector_verifies_and_fails_with_any_bit_of_it_changed()
    {
        byte[] key = Hex.Bytes("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        byte[] signature = Hex.Bytes("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        var verifier = new Ed25519Verifier();
        await Assert.That(verifier.Verify(key, [], signature)).IsTrue();
        for (int bit = 0; bit < 512; bit += 7)
        {
            byte[] changed = (byte[])signature.Clone();
            changed[bit / 8] ^= (byte)(1 << (bit % 8));
            await Assert.That(verifier.Verify(key, [], changed)).IsFalse().Because($"signature bit {bit} flipped");
        }
        await Assert.That(verifier.Verify(key, [0], signature)).IsFalse();
    }

    [Test]
    public async Task Valid_signatures_verify_and_corrupted_ones_do_not_exactly_as_BouncyCastle_decides()
    {
        var random = new Random(21);
        var source = new SeededRandomSource(random);
        var verifier = new Ed25519Verifier();
        var signature = new byte[64];
        for (int i = 0; i < 150; i++)
        {
            IdentityKey key = IdentityKey.Generate(source);
            var message = new byte[random.Next(0, 300)];
            random.NextBytes(message);
            key.Sign(message, signature);
            byte[] publicKey = key.Public.ToArray();
            await Assert.That(await Agreed(verifier, publicKey, message, signature, "valid")).IsTrue();

            byte[] badSignature = (byte[])signature.Clone();
            badSignature[random.Next(64)] ^= (byte)(1 << random.Next(8));
            await Assert.That(await Agreed(verifier, publicKey, message, badSignature, "signature bit flipped")).IsFalse();
            byte[] badKey = (byte[])publicKey.Clone();
            badKey[random.Next(32)] ^= (byte)(1 << random.Next(8));
            await Assert.That(await Agreed(verifier, badKey, message, signature, "key bit flipped")).IsFalse();
            if (message.Length > 0)
            {
                byte[] badMessage = (byte[])message.Clone();
                badMessage[random.Next(message.Length)] ^= 1;
                await Assert.That(await Agreed(verifier, publicKey, badMessage, signature, "message changed")).IsFalse();
            }
        }
    }

    [Test]
    public async Task Random_keys_and_signatures_on_and_off_the_curve_get_BouncyCastle_s_answer()
    {
        var random = new Random(22);
        var verifier = new Ed25519Verifier();
        for (int i = 0; i < 400; i++)
        {
            var key = new byte[32];
            var signature = new byte[64];
            random.NextBytes(key);
            random.NextBytes(signature);
            signature[63] &= 0x0f; // S below 2^252 mostly: past the S check, into the decoding and the equation
            await Agreed(verifier, key, [1, 2, 3], signature, "random");
        }
    }

    [Test]
    public async Task S_not_below_L_is_refused_though_S_minus_L_verifies()
    {
        var source = new SeededRandomSource(new Random(23));
        var verifier = new Ed25519Verifier();
        IdentityKey key = IdentityKey.Generate(source);
        byte[] message = "malleable?"u8.ToArray();
        var signature = new byte[64];
        key.Sign(message, signature);
        byte[] publicKey = key.Public.ToArray();
        await Assert.That(await Agreed(verifier, publicKey, message, signature, "valid")).IsTrue();
        byte[] shifted = (byte[])signature.Clone();
        Bytes(Number(signature.AsSpan(32)) + Order).CopyTo(shifted, 32);
        await Assert.That(await Agreed(verifier, publicKey, message, shifted, "S + L")).IsFalse();
        foreach (BigInteger s in new[] { Order, Order + 1, BigInteger.Pow(2, 256) - 1 })
        {
            Bytes(s).CopyTo(shifted, 32);
            await Assert.That(await Agreed(verifier, publicKey, message, shifted, $"S = {s}")).IsFalse();
        }
    }

    [Test]
    public async Task Small_order_and_non_canonical_keys_and_R_are_refused_as_BouncyCastle_refuses_them()
    {
        // Every y of a point of order 1, 2, 4 or 8, with either sign bit, and y = p + k for small k (the same points
        // written again): as keys with R the identity and S = 0 (which the cofactorless equation would accept for the
        // identity key), and as R with a valid key.
        var ys = new List<byte[]> { Bytes(0), Bytes(1), Bytes(Prime - 1), Ed25519Verifier.Order8Y1.ToArray(), Ed25519Verifier.Order8Y2.ToArray() };
        for (int k = 0; k < 19; k++)
            ys.Add(Bytes(Prime + k));
        var encodings = new List<byte[]>();
        foreach (byte[] y in ys)
        {
            encodings.Add(y);
            byte[] signed = (byte[])y.Clone();
            signed[31] |= 0x80;
            encodings.Add(signed);
        }
        var source = new SeededRandomSource(new Random(24));
        IdentityKey real = IdentityKey.Generate(source);
        byte[] message = "small"u8.ToArray();
        var verifier = new Ed25519Verifier();
        foreach (byte[] encoding in encodings)
        {
            var signature = new byte[64];
            signature[0] = 1; // R = identity, S = 0
            await Assert.That(await Agreed(verifier, encoding, message, signature, "small-order or non-canonical key")).IsFalse();
            encoding.CopyTo(signature, 0);
            await Assert.That(await Agreed(verifier, encoding, message, signature, "the key as R too")).IsFalse();
            await Agreed(verifier, real.Public.ToArray(), message, signature, "small-order or non-canonical R");
        }
    }

    [Test]
    public async Task A_key_or_an_R_off_by_a_point_of_small_order_is_accepted_by_the_cofactored_equation_as_BouncyCastle_accepts_it()
    {
        // A signature (R = [r]B + T1, S = r + k a) under the key A = [a]B + T2, for T1 and T2 of order 1, 2, 4 or 8:
        // [S]B - [k]A - R = -[k]T2 - T1, which 8 times is the identity. BouncyCastle 2.7 accepts these (the
        // equation without the 8s would not), and refuses them with S changed.
        var random = new Random(25);
        var scratch = new EdwardsScratch();
        var multiplier = new Edwards25519();
        var verifier = new Ed25519Verifier();
        byte[] identity = Bytes(1), order2 = Bytes(Prime - 1), order4 = Bytes(0), order8 = Ed25519Verifier.Order8Y1.ToArray();
        var torsions = new[] { identity, order2, order4, order8 };
        int cases = 0;
        foreach (byte[] keyTorsion in torsions)
            foreach (byte[] rTorsion in torsions)
                for (int i = 0; i < 3; i++)
                {
                    BigInteger a = new BigInteger(random.NextInt64(1, long.MaxValue)) * 104729 % Order;
                    BigInteger r = new BigInteger(random.NextInt64(1, long.MaxValue)) * 7919 % Order;
                    byte[] key = Plus(Bytes(a), keyTorsion, multiplier, scratch);
                    var signature = new byte[64];
                    Plus(Bytes(r), rTorsion, multiplier, scratch).CopyTo(signature, 0);
                    byte[] message = [(byte)i, (byte)cases];
                    byte[] hash = Org.BouncyCastle.Security.DigestUtilities.CalculateDigest("SHA-512", [.. signature.AsSpan(0, 32), .. key, .. message]);
                    BigInteger k = Number(hash) % Order;
                    Bytes((r + k * a) % Order).CopyTo(signature, 32);
                    await Assert.That(await Agreed(verifier, key, message, signature, "torsion in the key and R")).IsTrue();
                    Bytes((r + k * a + 1) % Order).CopyTo(signature, 32);
                    await Assert.That(await Agreed(verifier, key, message, signature, "torsion, S off by one")).IsFalse();
                    cases++;
                }
        await Assert.That(cases).IsEqualTo(48);
    }

    /// <summary>The encoding of [scalar]B + T for the point T encoded as <paramref name="torsion"/>.</summary>
    private static byte[] Plus(byte[] scalar, byte[] torsion, Edwards25519 multiplier, EdwardsScratch scratch)
    {
        var encoded = new byte[32];
        multiplier.MultiplyBase(scalar, encoded);
        EdwardsPoint point = new(), small = new();
        EdwardsMath.DecodeVar(encoded, negate: false, point, scratch);
        EdwardsMath.DecodeVar(torsion, negate: false, small, scratch);
        EdwardsMath.Add(point, small, point, scratch);
        EdwardsMath.Encode(point, encoded, scratch);
        return encoded;
    }

    [Test]
    public async Task Keys_sharing_a_cache_slot_and_a_refused_key_between_them_change_no_answer()
    {
        // The verifier keeps a key's decoded multiples by the key's first byte: three keys with the same low bits there
        // take turns in one slot, with a key that does not decode (no point has its y) written into it between them,
        // and every answer must stay BouncyCastle's.
        var source = new SeededRandomSource(new Random(28));
        var keys = new List<IdentityKey>();
        while (keys.Count < 3)
        {
            IdentityKey key = IdentityKey.Generate(source);
            if (keys.Count == 0 || (key.Public[0] & 15) == (keys[0].Public[0] & 15))
                keys.Add(key);
        }
        var bytes = new Random(30);
        var offCurve = new byte[32];
        do
        {
            bytes.NextBytes(offCurve);
            offCurve[0] = (byte)(offCurve[0] & 0xf0 | keys[0].Public[0] & 15);
            offCurve[31] &= 0x7f;
        }
        while (EdwardsMath.DecodeVar(offCurve, negate: false, new EdwardsPoint(), new EdwardsScratch()));
        var verifier = new Ed25519Verifier();
        var random = new Random(29);
        for (int round = 0; round < 60; round++)
        {
            IdentityKey key = keys[random.Next(keys.Count)];
            byte[] message = [(byte)round];
            var signature = new byte[64];
            key.Sign(message, signature);
            await Assert.That(await Agreed(verifier, key.Public.ToArray(), message, signature, $"round {round}")).IsTrue();
            byte[] wrong = [(byte)(round + 1)];
            await Assert.That(await Agreed(verifier, key.Public.ToArray(), wrong, signature, $"round {round}, other message")).IsFalse();
            if (round % 5 == 0)
                await Assert.That(await Agreed(verifier, offCurve, message, signature, "a key in the slot that is not on the curve")).IsFalse();
            if (round % 7 == 0)
            {
                byte[] other = keys[(keys.IndexOf(key) + 1) % keys.Count].Public.ToArray();
                await Assert.That(await Agreed(verifier, other, message, signature, "another key of the slot")).IsFalse();
            }
        }
    }

    [Test]
    public async Task The_order_8_y_coordinates_belong_to_points_of_order_8()
    {
        var scratch = new EdwardsScratch();
        foreach (byte[] y in new[] { Ed25519Verifier.Order8Y1.ToArray(), Ed25519Verifier.Order8Y2.ToArray() })
        {
            var point = new EdwardsPoint();
            await Assert.That(EdwardsMath.DecodeVar(y, negate: false, point, scratch)).IsTrue();
            var encoded = new byte[32];
            for (int doublings = 1; doublings <= 3; doublings++)
            {
                EdwardsMath.Double(point, scratch, withT: true);
                EdwardsMath.Encode(point, encoded, scratch);
                bool identity = Hex.Of(encoded) == "01" + new string('0', 62);
                await Assert.That(identity).IsEqualTo(doublings == 3).Because($"[2^{doublings}]P");
            }
        }
    }

    [Test]
    public async Task Width_w_NAF_digits_are_odd_small_spaced_and_add_up_to_the_scalar()
    {
        var random = new Random(26);
        var digits = new sbyte[256];
        var scalars = new List<BigInteger> { 0, 1, Order - 1, BigInteger.Pow(2, 252), BigInteger.Pow(2, 253) - 1 };
        for (int i = 0; i < 200; i++)
        {
            var bytes = new byte[32];
            random.NextBytes(bytes);
            scalars.Add(Number(bytes) % Order);
        }
        foreach (int width in new[] { 5, 7 })
            foreach (BigInteger scalar in scalars)
            {
                Ed25519Verifier.Recode(Bytes(scalar), width, digits);
                BigInteger sum = 0;
                int lastNonzero = -width;
                for (int i = 0; i < digits.Length; i++)
                {
                    if (digits[i] == 0)
                        continue;
                    await Assert.That(digits[i] % 2 != 0 && Math.Abs((int)digits[i]) < 1 << (width - 1)).IsTrue();
                    await Assert.That(i - lastNonzero).IsGreaterThanOrEqualTo(width);
                    lastNonzero = i;
                    sum += digits[i] * BigInteger.Pow(2, i);
                }
                await Assert.That(sum).IsEqualTo(scalar).Because($"width {width}");
            }
    }

    [Test]
    public async Task Verifying_allocates_nothing_in_steady_state()
    {
        var source = new SeededRandomSource(new Random(27));
        IdentityKey key = IdentityKey.Generate(source);
        byte[] message = new byte[120];
        var signature = new byte[64];
        key.Sign(message, signature);
        byte[] publicKey = key.Public.ToArray();
        var verifier = new Ed25519Verifier();
        bool ok = false;
        await Assert.That(Allocations.InSteadyState(() => ok = verifier.Verify(publicKey, message, signature))).IsEqualTo(0);
        await Assert.That(ok).IsTrue();
    }
}
