// ChaCha20, Poly1305 and their AEAD against RFC 8439 (sections 2.4.2, 2.5.2, 2.8.2 and appendix A.5), multi-block
// keystream against single blocks, tampering, in-place use, and no allocation per message.
using System.Buffers.Binary;
using System.Text;
using P2PChat.Net.Crypto;

namespace P2PChat.Tests.Crypto;

public class ChaChaPolyTests
{
    private const string Sunscreen =
        "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";

    private static uint[] KeyWords(byte[] key) =>
        Enumerable.Range(0, 8).Select(i => BinaryPrimitives.ReadUInt32LittleEndian(key.AsSpan(4 * i))).ToArray();

    /// <summary>RFC 8439's 96-bit nonce as the three little-endian state words ChaCha20 takes.</summary>
    private static (uint N0, uint N1, uint N2) NonceWords(byte[] nonce) =>
        (BinaryPrimitives.ReadUInt32LittleEndian(nonce), BinaryPrimitives.ReadUInt32LittleEndian(nonce.AsSpan(4)),
            BinaryPrimitives.ReadUInt32LittleEndian(nonce.AsSpan(8)));

    [Test]
    public async Task ChaCha20_encrypts_the_sunscreen_text_as_in_RFC_8439_section_2_4_2()
    {
        var key = Hex.Bytes("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        var plaintext = Encoding.ASCII.GetBytes(Sunscreen);
        var output = new byte[plaintext.Length];

        // nonce 00:00:00:00 00:00:00:4a 00:00:00:00 as three little-endian words, block counter 1
        ChaCha20.Xor(KeyWords(key), 1, 0, 0x4a000000, 0, plaintext, output);

        await Assert.That(Hex.Of(output)).IsEqualTo(
            "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
            + "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
            + "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
            + "5af90bbf74a35be6b40b8eedf2785e42874d");
    }

    [Test]
    [Arguments(0)]
    [Arguments(1)]
    [Arguments(63)]
    [Arguments(64)]
    [Arguments(65)]
    [Arguments(127)]
    [Arguments(128)]
    [Arguments(129)]
    [Arguments(191)]
    [Arguments(320)]
    [Arguments(1000)]
    [Arguments(511)]
    [Arguments(512)]
    [Arguments(513)]
    [Arguments(1537)]
    [Arguments(4166)]
    [Arguments(65519)]
    public async Task The_keystream_of_any_length_is_the_blocks_one_after_another(int length)
    {
        var key = KeyWords(Hex.Bytes("1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0"));
        var stream = new byte[length];
        ChaCha20.Xor(key, 7, 1, 2, 3, new byte[length], stream);

        var expected = new byte[length + ChaCha20.BlockSize];
        for (int block = 0; block * ChaCha20.BlockSize < length; block++)
            ChaCha20.Block(key, 7 + (uint)block, 1, 2, 3, expected.AsSpan(block * ChaCha20.BlockSize));

        await Assert.That(Hex.Of(stream)).IsEqualTo(Hex.Of(expected.AsSpan(0, length)));
    }

    [Test]
    public async Task Poly1305_tags_the_forum_message_as_in_RFC_8439_section_2_5_2()
    {
        var key = Hex.Bytes("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
        var tag = new byte[16];

        Poly1305.Mac(key, Encoding.ASCII.GetBytes("Cryptographic Forum Research Group"), tag);

        await Assert.That(Hex.Of(tag)).IsEqualTo("a8061dc1305136c6c22b8baf0c0127a9");
    }

    [Test]
    public async Task Seal_gives_the_ciphertext_and_tag_of_RFC_8439_section_2_8_2()
    {
        var aead = new ChaChaPoly(Hex.Bytes("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"));
        var plaintext = Encoding.ASCII.GetBytes(Sunscreen);
        var output = new byte[plaintext.Length + ChaChaPoly.TagSize];

        // nonce 07:00:00:00 40:41:42:43 44:45:46:47
        int written = aead.Seal(7, 0x43424140, 0x47464544, Hex.Bytes("50515253c0c1c2c3c4c5c6c7"), plaintext, output);

        await Assert.That(written).IsEqualTo(plaintext.Length + 16);
        await Assert.That(Hex.Of(output)).IsEqualTo(
            "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b"
            + "1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
            + "3ff4def08e4b7a9de576d26586cec64b6116" + "1ae10b594f09e26a7e902ecbd0600691");
    }

    private const string A5Ciphertext =
        "64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb24c6cfc18755d43eea09ee94e382d26b0bdb7b73c321b"
        + "0100d4f03b7f355894cf332f830e710b97ce98c8a84abd0b948114ad176e008d33bd60f982b1ff37c8559797a06ef4f0ef61c186324e"
        + "2b3506383606907b6a7c02b0f9f6157b53c867e4b9166c767b804d46a59b5216cde7a4e99040c5a40433225ee282a1b0a06c523eaf45"
        + "34d7f83fa1155b0047718cbc546a0d072b04b3564eea1b422273f548271a0bb2316053fa76991955ebd63159434ecebb4e466dae5a10"
        + "73a6727627097a1049e617d91d361094fa68f0ff77987130305beaba2eda04df997b714d6c6f2c29a6ad5cb4022b02709b"
        + "eead9d67890cbb22392336fea1851f38";

    private const string A5Plaintext =
        "496e7465726e65742d4472616674732061726520647261667420646f63756d656e74732076616c696420666f722061206d"
        + "6178696d756d206f6620736978206d6f6e74687320616e64206d617920626520757064617465642c207265706c61636564"
        + "2c206f72206f62736f6c65746564206279206f7468657220646f63756d656e747320617420616e792074696d652e204974"
        + "20697320696e617070726f70726961746520746f2075736520496e7465726e65742d447261667473206173207265666572"
        + "656e6365206d6174657269616c206f7220746f2063697465207468656d206f74686572207468616e206173202fe2809c77"
        + "6f726b20696e2070726f67726573732e2fe2809d";

    // A.5's nonce 00:00:00:00 01:02:03:04:05:06:07:08 is Noise's layout: four zero bytes, then 64 bits little-endian.
    private static ChaChaPoly A5Key() =>
        new(Hex.Bytes("1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0"));

    private const ulong A5Nonce = 0x0807060504030201;

    private static readonly byte[] A5AssociatedData = Hex.Bytes("f33388860000000000004e91");

    [Test]
    public async Task Open_recovers_the_plaintext_of_RFC_8439_appendix_A_5()
    {
        var ciphertext = Hex.Bytes(A5Ciphertext);
        var output = new byte[ciphertext.Length];

        bool opened = A5Key().Open(A5Nonce, A5AssociatedData, ciphertext, output, out int written);

        await Assert.That(opened).IsTrue();
        await Assert.That(Hex.Of(output.AsSpan(0, written))).IsEqualTo(A5Plaintext);
    }

    [Test]
    public async Task A_flipped_bit_anywhere_in_the_ciphertext_or_tag_fails_and_writes_nothing()
    {
        var aead = A5Key();
        var ciphertext = Hex.Bytes(A5Ciphertext);
        var output = new byte[ciphertext.Length];
        var failures = new List<string>();
        for (int i = 0; i < ciphertext.Length * 8; i++)
        {
            ciphertext[i / 8] ^= (byte)(1 << (i % 8));
            if (aead.Open(A5Nonce, A5AssociatedData, ciphertext, output, out int written) || written != 0)
                failures.Add($"bit {i}");
            ciphertext[i / 8] ^= (byte)(1 << (i % 8));
        }

        await Assert.That(failures).IsEmpty();
        await Assert.That(output.All(b => b == 0)).IsTrue();
    }

    [Test]
    public async Task Other_associated_data_a_wrong_nonce_or_a_short_ciphertext_fails()
    {
        var aead = A5Key();
        var ciphertext = Hex.Bytes(A5Ciphertext);
        var output = new byte[ciphertext.Length];
        var otherData = (byte[])A5AssociatedData.Clone();
        otherData[^1] ^= 1;

        await Assert.That(aead.Open(A5Nonce, otherData, ciphertext, output, out _)).IsFalse();
        await Assert.That(aead.Open(A5Nonce, default, ciphertext, output, out _)).IsFalse();
        await Assert.That(aead.Open(A5Nonce + 1, A5AssociatedData, ciphertext, output, out _)).IsFalse();
        await Assert.That(aead.Open(A5Nonce, A5AssociatedData, ciphertext.AsSpan(0, 15), output, out _)).IsFalse();
        await Assert.That(aead.Open(A5Nonce, A5AssociatedData, ciphertext.AsSpan(0, ciphertext.Length - 1), output, out _))
            .IsFalse();
    }

    [Test]
    [Arguments(0)]
    [Arguments(1)]
    [Arguments(100)]
    [Arguments(129)]
    [Arguments(61440)]
    public async Task Seal_then_open_in_place_gives_the_plaintext_back(int length)
    {
        var aead = new ChaChaPoly(Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray());
        var plaintext = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        var buffer = new byte[length + ChaChaPoly.TagSize];
        plaintext.CopyTo(buffer, 0);

        int sealedLength = aead.Seal(42, "ad"u8, buffer.AsSpan(0, length), buffer);
        bool opened = aead.Open(42, "ad"u8, buffer.AsSpan(0, sealedLength), buffer, out int written);

        await Assert.That(opened).IsTrue();
        await Assert.That(written).IsEqualTo(length);
        await Assert.That(buffer.AsSpan(0, length).SequenceEqual(plaintext)).IsTrue();
    }

    [Test]
    public async Task Seal_and_open_allocate_nothing_per_message()
    {
        var aead = new ChaChaPoly(new byte[32]);
        var plaintext = new byte[1000];
        var sealedBuffer = new byte[plaintext.Length + ChaChaPoly.TagSize];
        var opened = new byte[plaintext.Length];

        long allocated = Allocations.InSteadyState(() =>
        {
            for (ulong n = 1; n <= 1000; n++)
            {
                aead.Seal(n, "header"u8, plaintext, sealedBuffer);
                aead.Open(n, "header"u8, sealedBuffer, opened, out _);
            }
        });

        await Assert.That(allocated).IsEqualTo(0);
    }

    [Test]
    public async Task ChaCha20_of_random_lengths_keys_nonces_and_counters_matches_BouncyCastle()
    {
        var random = new Random(20);
        var key = new byte[32];
        var nonce = new byte[12];
        string? firstMismatch = null;
        for (int trial = 0; trial < 2000 && firstMismatch is null; trial++)
        {
            random.NextBytes(key);
            random.NextBytes(nonce);
            uint counter = (uint)random.Next(16);
            var input = new byte[trial < 600 ? trial : random.Next(5000)];
            random.NextBytes(input);
            var ours = new byte[input.Length];
            var theirs = new byte[input.Length];

            (uint n0, uint n1, uint n2) = NonceWords(nonce);
            ChaCha20.Xor(KeyWords(key), counter, n0, n1, n2, input, ours);
            // BouncyCastle's RFC 7539 engine starts at block 0: run it over counter blocks first.
            var engine = new Org.BouncyCastle.Crypto.Engines.ChaCha7539Engine();
            engine.Init(true, new Org.BouncyCastle.Crypto.Parameters.ParametersWithIV(new Org.BouncyCastle.Crypto.Parameters.KeyParameter(key), nonce));
            var skipped = new byte[counter * 64];
            engine.ProcessBytes(skipped, 0, skipped.Length, skipped, 0);
            engine.ProcessBytes(input, 0, input.Length, theirs, 0);

            if (!ours.AsSpan().SequenceEqual(theirs))
                firstMismatch = $"length {input.Length}, counter {counter}";
        }

        await Assert.That(firstMismatch).IsNull();
    }

    [Test]
    public async Task The_AEAD_of_random_lengths_keys_and_nonces_matches_BouncyCastle_and_opens_again()
    {
        // Every length up to 600 (the key block made with the message's first blocks, then the tail in each size),
        // then random ones past the four-block chunks.
        var random = new Random(21);
        var key = new byte[32];
        var nonce = new byte[12];
        var associated = new byte[13];
        string? firstMismatch = null;
        for (int trial = 0; trial < 900 && firstMismatch is null; trial++)
        {
            random.NextBytes(key);
            random.NextBytes(nonce);
            random.NextBytes(associated);
            var plaintext = new byte[trial < 600 ? trial : random.Next(3000)];
            random.NextBytes(plaintext);
            (uint n0, uint n1, uint n2) = NonceWords(nonce);
            var aead = new ChaChaPoly(key);
            var ours = new byte[plaintext.Length + ChaChaPoly.TagSize];
            aead.Seal(n0, n1, n2, associated, plaintext, ours);

            var engine = new Org.BouncyCastle.Crypto.Modes.ChaCha20Poly1305();
            engine.Init(true, new Org.BouncyCastle.Crypto.Parameters.AeadParameters(
                new Org.BouncyCastle.Crypto.Parameters.KeyParameter(key), 128, nonce, associated));
            var theirs = new byte[engine.GetOutputSize(plaintext.Length)];
            int done = engine.ProcessBytes(plaintext, 0, plaintext.Length, theirs, 0);
            engine.DoFinal(theirs, done);

            var opened = new byte[plaintext.Length];
            bool opens = aead.Open(n0, n1, n2, associated, ours, opened, out int written);
            if (!ours.AsSpan().SequenceEqual(theirs) || !opens || written != plaintext.Length || !opened.AsSpan().SequenceEqual(plaintext))
                firstMismatch = $"length {plaintext.Length}";
        }

        await Assert.That(firstMismatch).IsNull();
    }
}
