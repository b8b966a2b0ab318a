// Who this node is and the secrets its links use: the user's long-term identity key (Ed25519), a random epoch per
// process (so a restarted peer is a new node and its sequence numbers start afresh), the node id both give, a static
// Noise key made fresh per process, the room's pre-shared key, and the random source for ephemeral keys. The node id
// (a message's origin) is derived from the key, so nobody can speak under someone else's origin: every line and
// announcement carries the key and epoch, and receivers check that they give its origin and that the key signed it.
using System.Buffers.Binary;
using System.Text;
using P2PChat.Net.Crypto;

namespace P2PChat.Net;

internal sealed class NodeKeys
{
    private static readonly byte[] OriginLabel = "p2pchat origin 2"u8.ToArray();
    private static readonly byte[] RoomLabel = "p2pchat room 2"u8.ToArray();

    private static readonly byte[] BoxLabel = "p2pchat box 2"u8.ToArray();

    private readonly byte[] _staticPrivate = new byte[X25519Keys.Size];
    private readonly byte[] _staticPublic = new byte[X25519Keys.Size];
    private readonly byte[] _boxPrivate = new byte[X25519Keys.Size];
    private readonly byte[] _boxPublic = new byte[X25519Keys.Size];

    public NodeKeys(IdentityKey identity, IRandomSource random, ReadOnlySpan<byte> roomSecret = default)
    {
        Identity = identity;
        Random = random;
        Span<byte> bytes = stackalloc byte[8];
        do
        {
            random.Fill(bytes);
            Epoch = BinaryPrimitives.ReadUInt64BigEndian(bytes);
            NodeId = Origin(identity.Public, Epoch);
        }
        while (NodeId == 0);
        X25519Keys.GeneratePrivate(random, _staticPrivate);
        X25519Keys.PublicFromPrivate(_staticPrivate, _staticPublic);
        // The key private messages are sealed to: derived from the identity, so it outlives a restart (a message kept
        // in the peers' logs can still be read after one), and announced in our signed PRESENCE.
        var hasher = new Sha256Hasher();
        hasher.Append(BoxLabel);
        hasher.Append(identity.Seed);
        hasher.Finish(_boxPrivate);
        X25519Keys.PublicFromPrivate(_boxPrivate, _boxPublic);
        Psk = RoomKey(roomSecret);
        HasRoomSecret = !roomSecret.IsEmpty;
    }

    public IdentityKey Identity { get; }
    public ulong Epoch { get; }
    public ulong NodeId { get; }
    public IRandomSource Random { get; }

    /// <summary>The Noise pre-shared key: a hash of the room secret (of nothing, for an open room).</summary>
    public byte[] Psk { get; }

    public bool HasRoomSecret { get; }

    /// <summary>Where this node checks signatures (HELLO, presence, line batches). The simulator shares one between its
    /// nodes; a real process has one node and one memo.</summary>
    public SignatureMemo Signatures { get; init; } = new();

    public ReadOnlySpan<byte> StaticPrivate => _staticPrivate;
    public ReadOnlySpan<byte> StaticPublic => _staticPublic;

    /// <summary>X25519 key pair for private messages to this user (PrivateLine).</summary>
    public ReadOnlySpan<byte> BoxPrivate => _boxPrivate;
    public ReadOnlySpan<byte> BoxPublic => _boxPublic;

    /// <summary>The node id a key and epoch stand for: the first 8 bytes of SHA-256("p2pchat origin 2" key epoch).</summary>
    public static ulong Origin(ReadOnlySpan<byte> key, ulong epoch)
    {
        // The thread's hasher: every line and announcement whose signature is checked comes through here, and a
        // hasher of its own each time (its state and block buffer, ~200 bytes) was garbage on every line at every
        // reader (the 200-node scale run's allocation samples).
        var hasher = Sha256Hasher.ForThisThread;
        Span<byte> buffer = stackalloc byte[Sha256Hasher.Size];
        hasher.Append(OriginLabel);
        hasher.Append(key);
        BinaryPrimitives.WriteUInt64BigEndian(buffer, epoch);
        hasher.Append(buffer[..8]);
        hasher.Finish(buffer);
        return BinaryPrimitives.ReadUInt64BigEndian(buffer);
    }

    /// <summary>The pre-shared key of a room: SHA-256("p2pchat room 2" secret).</summary>
    public static byte[] RoomKey(ReadOnlySpan<byte> secret)
    {
        var hasher = new Sha256Hasher();
        hasher.Append(RoomLabel);
        hasher.Append(secret);
        var key = new byte[Sha256Hasher.Size];
        hasher.Finish(key);
        return key;
    }

    /// <summary>Makes keys for a user: a fresh identity from <paramref name="random"/> (tests and the simulator).</summary>
    public static NodeKeys Generate(IRandomSource random, string? roomSecret = null, SignatureMemo? signatures = null) =>
        new(IdentityKey.Generate(random), random, roomSecret is null ? default : Encoding.UTF8.GetBytes(roomSecret))
        {
            Signatures = signatures ?? new SignatureMemo(),
        };
}
