// A node id is the first 8 bytes of SHA-256("p2pchat origin 2" key epoch): every line and announcement whose signature
// is checked has its key and epoch checked against its origin this way, so it must stay the same id and cost no garbage.
using System.Buffers.Binary;
using System.Security.Cryptography;
using P2PChat.Net;

namespace P2PChat.Tests;

public class NodeIdTests
{
    [Test]
    public async Task A_node_id_is_the_hash_of_the_label_the_key_and_the_epoch()
    {
        var random = new Random(7);
        for (int i = 0; i < 20; i++)
        {
            byte[] key = new byte[Protocol.KeySize];
            random.NextBytes(key);
            ulong epoch = (ulong)random.NextInt64();
            byte[] message = [.. "p2pchat origin 2"u8, .. key, .. new byte[8]];
            BinaryPrimitives.WriteUInt64BigEndian(message.AsSpan(message.Length - 8), epoch);
            ulong expected = BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(message));
            await Assert.That(NodeKeys.Origin(key, epoch)).IsEqualTo(expected);
        }
    }

    [Test]
    public async Task Checking_a_key_against_its_node_id_allocates_nothing()
    {
        byte[] key = new byte[Protocol.KeySize];
        new Random(3).NextBytes(key);
        ulong id = 0;
        await Assert.That(Allocations.InSteadyState(() => id = NodeKeys.Origin(key, 42))).IsEqualTo(0);
        await Assert.That(id).IsNotEqualTo(0UL);
    }
}
