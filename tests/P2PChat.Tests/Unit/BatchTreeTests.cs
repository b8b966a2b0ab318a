// BatchTree's hashes against the platform's SHA-256 (OpenSSL, in the test process): a leaf is the first 16 bytes of
// SHA-256(0x00 || head || text) whether it takes the one-block path or the hasher's, a node those of
// SHA-256(0x01 || left || right).
using System.Security.Cryptography;
using P2PChat.Net;
using P2PChat.Net.Crypto;

namespace P2PChat.Tests;

public class BatchTreeTests
{
    private static byte[] Reference(byte prefix, byte[] first, byte[] second) =>
        SHA256.HashData([prefix, .. first, .. second])[..Protocol.TreeHashSize];

    [Test]
    [Arguments(0)]
    [Arguments(20)]
    [Arguments(29)] // 1 + 25 + 29 = 55 bytes: the longest one-block message
    [Arguments(30)]
    [Arguments(200)]
    public async Task A_leaf_is_the_truncated_sha256_of_its_prefixed_head_and_text(int textLength)
    {
        var random = new Random(textLength);
        byte[] head = new byte[25], text = new byte[textLength];
        random.NextBytes(head);
        random.NextBytes(text);
        var leaf = new byte[Protocol.TreeHashSize];

        BatchTree.Leaf(new Sha256Hasher(), head, text, leaf);

        await Assert.That(Convert.ToHexString(leaf)).IsEqualTo(Convert.ToHexString(Reference(0, head, text)));
    }

    [Test]
    public async Task A_node_is_the_truncated_sha256_of_its_prefixed_children_even_when_it_overwrites_one()
    {
        var random = new Random(2);
        byte[] left = new byte[Protocol.TreeHashSize], right = new byte[Protocol.TreeHashSize];
        random.NextBytes(left);
        random.NextBytes(right);
        byte[] expected = Reference(1, left, right);

        BatchTree.Node(left, right, left);

        await Assert.That(Convert.ToHexString(left)).IsEqualTo(Convert.ToHexString(expected));
    }
}
