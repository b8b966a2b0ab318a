// The four-lane SHA-256 (Sha256x4) against the scalar Sha256Hasher: random one-block messages of every length it
// takes, each lane different, and the padding it writes.
using P2PChat.Net.Crypto;

namespace P2PChat.Tests.Crypto;

public class Sha256x4Tests
{
    [Test]
    public async Task Four_random_messages_of_0_to_55_bytes_hash_as_the_scalar_hasher_hashes_them_one_by_one()
    {
        var random = new Random(4);
        var hasher = new Sha256Hasher();
        var blocks = new byte[4 * 64];
        var outputs = new byte[4 * 32];
        var expected = new byte[32];
        string? firstMismatch = null;

        for (int trial = 0; trial < 3000 && firstMismatch is null; trial++)
        {
            var messages = new byte[4][];
            for (int lane = 0; lane < 4; lane++)
            {
                messages[lane] = new byte[trial < 56 ? (trial + lane * 13) % 56 : random.Next(56)];
                random.NextBytes(messages[lane]);
                // Split in three parts anywhere, as the callers pass (leaf byte, head, text).
                int cut1 = random.Next(messages[lane].Length + 1), cut2 = random.Next(cut1, messages[lane].Length + 1);
                Sha256x4.Pad(blocks.AsSpan(lane * 64, 64), messages[lane].AsSpan(0, cut1), messages[lane].AsSpan(cut1, cut2 - cut1),
                    messages[lane].AsSpan(cut2));
            }
            int outputLength = trial % 2 == 0 ? 32 : 16;
            Sha256x4.HashPadded(blocks, outputs, outputLength);
            for (int lane = 0; lane < 4; lane++)
            {
                hasher.Append(messages[lane]);
                hasher.Finish(expected);
                if (!outputs.AsSpan(lane * outputLength, outputLength).SequenceEqual(expected.AsSpan(0, outputLength)))
                    firstMismatch = $"trial {trial}, lane {lane}, length {messages[lane].Length}";
            }
        }

        await Assert.That(firstMismatch).IsNull();
    }

    [Test]
    public async Task A_message_longer_than_55_bytes_is_refused_by_Pad()
    {
        var block = new byte[64];

        await Assert.That(() => Sha256x4.Pad(block, new byte[20], new byte[20], new byte[16])).Throws<ArgumentException>();
    }
}
