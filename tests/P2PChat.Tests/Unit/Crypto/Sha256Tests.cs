// Our SHA-256 (Sha256Hasher over Sha256Block) against the published FIPS 180-4 / NIST examples, and against
// BouncyCastle's Sha256Digest (which it replaced) on random messages fed in random pieces, so every way a message can
// straddle the 64-byte block and the 56-byte padding boundary is exercised.
using System.Text;
using Org.BouncyCastle.Crypto.Digests;
using P2PChat.Net.Crypto;

namespace P2PChat.Tests.Crypto;

public class Sha256Tests
{
    [Test]
    [Arguments("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [Arguments("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [Arguments("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    [Arguments("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
        "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")]
    public async Task The_hash_of_each_NIST_example_message_is_the_published_one(string text, string expected)
    {
        var hash = new byte[32];

        Sha256Hasher.Hash(Encoding.ASCII.GetBytes(text), hash);

        await Assert.That(Hex.Of(hash)).IsEqualTo(expected);
    }

    [Test]
    public async Task One_million_a_hashes_to_the_published_value_whether_appended_at_once_or_in_uneven_pieces()
    {
        var million = Enumerable.Repeat((byte)'a', 1_000_000).ToArray();
        var hasher = new Sha256Hasher();
        var whole = new byte[32];
        var pieces = new byte[32];

        hasher.Append(million);
        hasher.Finish(whole);
        for (int offset = 0, piece = 1; offset < million.Length; offset += piece, piece = piece % 200 + 7)
            hasher.Append(million.AsSpan(offset, Math.Min(piece, million.Length - offset)));
        hasher.Finish(pieces);

        const string expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
        await Assert.That(Hex.Of(whole)).IsEqualTo(expected);
        await Assert.That(Hex.Of(pieces)).IsEqualTo(expected);
    }

    [Test]
    public async Task Every_message_of_0_to_300_bytes_fed_in_random_pieces_hashes_as_BouncyCastle_does()
    {
        var random = new Random(8439);
        var hasher = new Sha256Hasher();
        var reference = new Sha256Digest();
        var ours = new byte[32];
        var theirs = new byte[32];
        int mismatches = 0;
        string? firstMismatch = null;

        for (int trial = 0; trial < 5000; trial++)
        {
            var message = new byte[trial < 301 ? trial : random.Next(301)]; // every length once, then random ones
            random.NextBytes(message);
            int offset = 0;
            while (offset < message.Length)
            {
                // Mostly small pieces (the boundaries), sometimes everything that is left.
                int piece = random.Next(4) == 0 ? message.Length - offset : Math.Min(random.Next(0, 70), message.Length - offset);
                hasher.Append(message.AsSpan(offset, piece));
                offset += piece;
            }
            hasher.Finish(ours);
            reference.BlockUpdate(message);
            reference.DoFinal(theirs);
            if (!ours.AsSpan().SequenceEqual(theirs))
            {
                mismatches++;
                firstMismatch ??= $"length {message.Length}: {Hex.Of(message)}";
            }
        }

        await Assert.That(firstMismatch).IsNull();
        await Assert.That(mismatches).IsEqualTo(0);
    }

    [Test]
    public async Task A_finished_hasher_starts_over_and_a_shared_one_gives_the_same_hash()
    {
        var hasher = new Sha256Hasher();
        var first = new byte[32];
        var second = new byte[32];
        var shared = new byte[32];
        var data = Enumerable.Range(0, 130).Select(i => (byte)i).ToArray();

        hasher.Append(data.AsSpan(0, 77)); // leaves a partial block behind in the first hash
        hasher.Finish(first);
        hasher.Append(data);
        hasher.Finish(first);
        hasher.Append(data);
        hasher.Finish(second);
        Sha256Hasher.Hash(data, shared);

        await Assert.That(Hex.Of(second)).IsEqualTo(Hex.Of(first));
        await Assert.That(Hex.Of(shared)).IsEqualTo(Hex.Of(first));
    }
}
