// Poly1305 in 44-bit limbs against RFC 8439 appendix A.3 (the vectors chosen to hit the carries and the final
// reduction modulo 2^130 - 5) and against BouncyCastle's Poly1305 on random keys and messages.
using Org.BouncyCastle.Crypto.Parameters;
using P2PChat.Net.Crypto;

namespace P2PChat.Tests.Crypto;

public class Poly1305Tests
{
    private const string R2 = "02000000000000000000000000000000", R1 = "01000000000000000000000000000000";
    private const string Zero16 = "00000000000000000000000000000000", Ones16 = "ffffffffffffffffffffffffffffffff";

    [Test]
    [Arguments("#5", R2 + Zero16, Ones16, "03000000000000000000000000000000")]
    [Arguments("#6", R2 + Ones16, "02000000000000000000000000000000", "03000000000000000000000000000000")]
    [Arguments("#7", R1 + Zero16, Ones16 + "f0ffffffffffffffffffffffffffffff" + "11000000000000000000000000000000",
        "05000000000000000000000000000000")]
    [Arguments("#8", R1 + Zero16, Ones16 + "fbfefefefefefefefefefefefefefefe" + "01010101010101010101010101010101",
        "00000000000000000000000000000000")]
    [Arguments("#9", R2 + Zero16, "fdffffffffffffffffffffffffffffff", "faffffffffffffffffffffffffffffff")]
    [Arguments("#10", "01000000000000000400000000000000" + Zero16,
        "e33594d7505e43b900000000000000003394d7505e4379cd01000000000000000000000000000000000000000000000001000000000000000000000000000000",
        "14000000000000005500000000000000")]
    [Arguments("#11", "01000000000000000400000000000000" + Zero16,
        "e33594d7505e43b900000000000000003394d7505e4379cd010000000000000000000000000000000000000000000000",
        "13000000000000000000000000000000")]
    public async Task The_edge_case_vectors_of_RFC_8439_appendix_A_3_give_the_published_tags(string vector, string key,
        string message, string expected)
    {
        var tag = new byte[16];

        Poly1305.Mac(Hex.Bytes(key), Hex.Bytes(message), tag);

        await Assert.That(Hex.Of(tag)).IsEqualTo(expected).Because($"test vector {vector}");
    }

    [Test]
    public async Task Random_keys_and_messages_of_0_to_300_bytes_get_the_tag_BouncyCastle_gives()
    {
        var random = new Random(7539);
        var reference = new Org.BouncyCastle.Crypto.Macs.Poly1305();
        var key = new byte[32];
        var ours = new byte[16];
        var theirs = new byte[16];
        string? firstMismatch = null;

        for (int trial = 0; trial < 5000 && firstMismatch is null; trial++)
        {
            // Every length once, then random ones; some keys and messages all ones, to push the limbs to their limits.
            var message = new byte[trial < 301 ? trial : random.Next(301)];
            bool extreme = trial % 7 == 0;
            if (extreme)
            {
                Array.Fill(key, (byte)0xff);
                Array.Fill(message, (byte)0xff);
            }
            else
            {
                random.NextBytes(key);
                random.NextBytes(message);
            }
            Poly1305.Mac(key, message, ours);
            reference.Init(new KeyParameter(key));
            reference.BlockUpdate(message);
            reference.DoFinal(theirs);
            if (!ours.AsSpan().SequenceEqual(theirs))
                firstMismatch = $"key {Hex.Of(key)}, message {Hex.Of(message)}";
        }

        await Assert.That(firstMismatch).IsNull();
    }

    [Test]
    public async Task A_long_message_gets_the_tag_BouncyCastle_gives()
    {
        var random = new Random(1305);
        var key = new byte[32];
        var message = new byte[65_535];
        random.NextBytes(key);
        random.NextBytes(message);
        var ours = new byte[16];
        var theirs = new byte[16];
        var reference = new Org.BouncyCastle.Crypto.Macs.Poly1305();

        Poly1305.Mac(key, message, ours);
        reference.Init(new KeyParameter(key));
        reference.BlockUpdate(message);
        reference.DoFinal(theirs);

        await Assert.That(Hex.Of(ours)).IsEqualTo(Hex.Of(theirs));
    }

    [Test]
    public async Task Long_messages_of_all_ones_bytes_under_extreme_keys_get_the_tag_BouncyCastle_gives()
    {
        // The two-lane path (long inputs) at its limb bounds: every message limb at its maximum, over many pairs, with
        // odd and even block counts and a partial last block.
        var reference = new Org.BouncyCastle.Crypto.Macs.Poly1305();
        var ours = new byte[16];
        var theirs = new byte[16];
        string? firstMismatch = null;
        foreach (byte keyByte in new byte[] { 0xff, 0x00, 0x80 })
        {
            var key = Enumerable.Repeat(keyByte, 32).ToArray();
            for (int length = 100; length <= 1200 && firstMismatch is null; length += 7)
            {
                var message = Enumerable.Repeat((byte)0xff, length).ToArray();
                Poly1305.Mac(key, message, ours);
                reference.Init(new KeyParameter(key));
                reference.BlockUpdate(message);
                reference.DoFinal(theirs);
                if (!ours.AsSpan().SequenceEqual(theirs))
                    firstMismatch = $"key bytes {keyByte:x2}, length {length}";
            }
        }

        await Assert.That(firstMismatch).IsNull();
    }
}
