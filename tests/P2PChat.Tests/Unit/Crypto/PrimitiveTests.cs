// SHA-256, HMAC-SHA256, X25519 and Ed25519 over BouncyCastle against their published vectors (FIPS 180 examples,
// RFC 4231, RFC 7748 sections 5.2 and 6.1, RFC 8032 TEST 1 and 2), and the random sources.
using System.Text;
using P2PChat.Net.Crypto;

namespace P2PChat.Tests.Crypto;

public class PrimitiveTests
{
    [Test]
    [Arguments("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [Arguments("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    public async Task Sha256_matches_the_published_examples_and_the_hasher_can_be_reused(string text, string expected)
    {
        var hasher = new Sha256Hasher();
        var first = new byte[32];
        var second = new byte[32];
        var once = new byte[32];

        hasher.Append(Encoding.ASCII.GetBytes(text));
        hasher.Finish(first);
        foreach (char c in text)
            hasher.Append([(byte)c]);
        hasher.Finish(second);
        Sha256Hasher.Hash(Encoding.ASCII.GetBytes(text), once);

        await Assert.That(Hex.Of(first)).IsEqualTo(expected);
        await Assert.That(Hex.Of(second)).IsEqualTo(expected);
        await Assert.That(Hex.Of(once)).IsEqualTo(expected);
    }

    [Test]
    public async Task Sha256_allocates_nothing_after_construction()
    {
        var hasher = new Sha256Hasher();
        var data = new byte[100];
        var hash = new byte[32];

        long allocated = Allocations.InSteadyState(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                hasher.Append(data);
                hasher.Finish(hash);
                Sha256Hasher.Hash(data, hash);
            }
        });

        await Assert.That(allocated).IsEqualTo(0);
    }

    [Test]
    public async Task Hmac_sha256_matches_RFC_4231_test_case_2()
    {
        var mac = new byte[32];

        HmacSha256.Compute(new Sha256Hasher(), "Jefe"u8, "what do ya want "u8, "for nothing?"u8, mac);

        await Assert.That(Hex.Of(mac)).IsEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    [Test]
    [Arguments("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
        "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
        "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552")]
    [Arguments("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
        "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
        "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957")]
    public async Task X25519_matches_RFC_7748_section_5_2(string scalar, string u, string expected)
    {
        var shared = new byte[32];

        bool agreed = X25519Keys.Agree(Hex.Bytes(scalar), Hex.Bytes(u), shared);

        await Assert.That(agreed).IsTrue();
        await Assert.That(Hex.Of(shared)).IsEqualTo(expected);
    }

    [Test]
    public async Task Alice_and_Bob_of_RFC_7748_section_6_1_get_their_public_keys_and_the_same_secret()
    {
        var alice = Hex.Bytes("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        var bob = Hex.Bytes("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        var alicePublic = new byte[32];
        var bobPublic = new byte[32];
        var aliceShared = new byte[32];
        var bobShared = new byte[32];

        X25519Keys.PublicFromPrivate(alice, alicePublic);
        X25519Keys.PublicFromPrivate(bob, bobPublic);
        bool aliceAgreed = X25519Keys.Agree(alice, bobPublic, aliceShared);
        bool bobAgreed = X25519Keys.Agree(bob, alicePublic, bobShared);

        await Assert.That(Hex.Of(alicePublic)).IsEqualTo("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        await Assert.That(Hex.Of(bobPublic)).IsEqualTo("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        await Assert.That(aliceAgreed && bobAgreed).IsTrue();
        await Assert.That(Hex.Of(aliceShared)).IsEqualTo("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        await Assert.That(Hex.Of(bobShared)).IsEqualTo(Hex.Of(aliceShared));
    }

    [Test]
    [Arguments("0000000000000000000000000000000000000000000000000000000000000000")] // zero
    [Arguments("0100000000000000000000000000000000000000000000000000000000000000")] // one: a point of order 4
    [Arguments("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")] // p - 1: order 2
    [Arguments("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")] // a point of order 8
    [Arguments("00")] // not even 32 bytes
    public async Task Agreement_with_a_low_order_or_malformed_key_is_refused(string peerPublic)
    {
        var priv = new byte[32];
        X25519Keys.GeneratePrivate(new SeededRandomSource(new Random(5)), priv);
        var shared = Enumerable.Repeat((byte)0xAA, 32).ToArray();

        bool agreed = X25519Keys.Agree(priv, Hex.Bytes(peerPublic), shared);

        await Assert.That(agreed).IsFalse();
        await Assert.That(shared.All(b => b == 0)).IsTrue();
    }

    [Test]
    [Arguments("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")]
    [Arguments("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")]
    public async Task Ed25519_matches_RFC_8032_tests_1_and_2(string seed, string publicKey, string message, string signature)
    {
        var key = new IdentityKey(Hex.Bytes(seed));
        var signed = new byte[64];

        key.Sign(Hex.Bytes(message), signed);

        await Assert.That(Hex.Of(key.Public)).IsEqualTo(publicKey);
        await Assert.That(Hex.Of(signed)).IsEqualTo(signature);
        await Assert.That(IdentityKey.Verify(Hex.Bytes(publicKey), Hex.Bytes(message), signed)).IsTrue();
        await Assert.That(IdentityKey.Verify(Hex.Bytes(publicKey), "other"u8, signed)).IsFalse();
    }

    [Test]
    public async Task Verify_refuses_malformed_keys_and_signatures_without_throwing()
    {
        var key = new IdentityKey(Hex.Bytes("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"));
        var message = "hello"u8.ToArray();
        var signature = new byte[64];
        key.Sign(message, signature);
        var publicKey = key.Public.ToArray();
        var random = new Random(11);
        var wrong = new List<string>();

        // S + L (the group order): the same signature in a non-canonical form, which strict verification refuses.
        var order = Hex.Bytes("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
        var malleable = (byte[])signature.Clone();
        int carry = 0;
        for (int i = 0; i < 32; i++)
        {
            int sum = malleable[32 + i] + order[i] + carry;
            malleable[32 + i] = (byte)sum;
            carry = sum >> 8;
        }
        if (IdentityKey.Verify(publicKey, message, malleable))
            wrong.Add("S + L accepted");
        if (IdentityKey.Verify(publicKey.AsSpan(0, 31), message, signature))
            wrong.Add("31-byte key accepted");
        if (IdentityKey.Verify(publicKey, message, signature.AsSpan(0, 63)))
            wrong.Add("63-byte signature accepted");
        if (IdentityKey.Verify(new byte[32], message, signature))
            wrong.Add("zero key accepted");
        if (IdentityKey.Verify(Enumerable.Repeat((byte)0xff, 32).ToArray(), message, signature))
            wrong.Add("all-ones key accepted");
        for (int i = 0; i < 200; i++)
        {
            var junkKey = new byte[32];
            var junkSignature = new byte[64];
            random.NextBytes(junkKey);
            random.NextBytes(junkSignature);
            if (IdentityKey.Verify(junkKey, message, junkSignature) || IdentityKey.Verify(publicKey, message, junkSignature))
                wrong.Add($"junk {i} accepted");
        }

        await Assert.That(wrong).IsEmpty();
        await Assert.That(IdentityKey.Verify(publicKey, message, signature)).IsTrue();
    }

    [Test]
    public async Task Os_random_fills_large_and_empty_buffers_with_fresh_bytes()
    {
        var first = new byte[100_000];
        var second = new byte[100_000];

        OsRandom.Instance.Fill(first);
        OsRandom.Instance.Fill(second);
        OsRandom.Instance.Fill(Span<byte>.Empty);

        await Assert.That(first.AsSpan().SequenceEqual(second)).IsFalse();
        // 100,000 random bytes hold every byte value; a stuck or partial fill would not.
        await Assert.That(first.Distinct().Count()).IsEqualTo(256);
        await Assert.That(first.AsSpan(99_000).IndexOfAnyExcept((byte)0)).IsNotEqualTo(-1);
    }

    [Test]
    public async Task The_same_seed_gives_the_same_keys()
    {
        var one = IdentityKey.Generate(new SeededRandomSource(new Random(1234)));
        var two = IdentityKey.Generate(new SeededRandomSource(new Random(1234)));
        var three = IdentityKey.Generate(new SeededRandomSource(new Random(1235)));

        await Assert.That(Hex.Of(one.Public)).IsEqualTo(Hex.Of(two.Public));
        await Assert.That(Hex.Of(one.Public)).IsNotEqualTo(Hex.Of(three.Public));
    }
}
