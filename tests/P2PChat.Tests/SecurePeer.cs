// The client side of p2pchat's encrypted link, for tests that play a peer by hand (a hostile one, a raw injector): the
// Noise handshake through the product's own SecureChannel, a signed HELLO, then frames sealed into records and records
// opened into frames. Pure: the caller moves the bytes (a socket, the simulator).
using System.Buffers.Binary;
using System.Text;
using P2PChat.Net;

namespace P2PChat.Tests;

internal sealed class SecurePeer(NodeKeys keys, string name, bool initiator = true, ushort listenPort = 1)
{
    private readonly SecureChannel _channel = new(initiator, keys);
    private readonly byte[] _record = new byte[Protocol.RecordHeaderSize + Protocol.MaxRecord];
    private readonly byte[] _plain = new byte[Protocol.MaxRecordPlaintext];
    private bool _helloSent;

    public NodeKeys Keys => keys;

    /// <summary>The Noise handshake is over: Seal works.</summary>
    public bool Established => _channel.IsEstablished;

    /// <summary>The peer's HELLO arrived (and verified).</summary>
    public bool Open { get; private set; }

    /// <summary>False: the Noise handshake is done but no HELLO is sent (a stranger that sends other frames first).</summary>
    public bool SendsHello { get; init; } = true;

    public ulong PeerNode { get; private set; }
    public string PeerName { get; private set; } = "";

    /// <summary>An alert the other side sent before closing (SecureChannel.AlertRoomSecret), or 0.</summary>
    public byte Alert { get; private set; }

    /// <summary>What to send first: Noise message 1 for the initiator, nothing for a responder.</summary>
    public byte[] Start() => initiator ? _record.AsSpan(0, _channel.WriteHandshake(_record)).ToArray() : [];

    /// <summary>Feeds bytes from the other side. Returns what to send back (handshake messages, our HELLO); whole frames
    /// received after the HELLO (length prefix included) are added to <paramref name="frames"/>. Throws when the other
    /// side breaks the protocol or fails authentication.</summary>
    public byte[] Feed(ReadOnlySpan<byte> data, out int consumed, List<byte[]>? frames = null)
    {
        var reply = new List<byte>();
        consumed = 0;
        while (data.Length - consumed >= 2)
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[consumed..]);
            if (data.Length - consumed < 2 + length)
                break;
            ReadOnlySpan<byte> record = data.Slice(consumed + 2, length);
            consumed += 2 + length;
            if (!_channel.IsEstablished)
            {
                if (!_channel.ReadHandshake(record))
                    throw new InvalidOperationException("handshake message failed");
                if (_channel.MustAnswer)
                    reply.AddRange(_record.AsSpan(0, _channel.WriteHandshake(_record)).ToArray());
            }
            else if (record.Length == 1)
            {
                Alert = record[0];
                continue;
            }
            else
            {
                if (!_channel.Open(record, _plain, out int plain))
                    throw new InvalidOperationException("record failed authentication");
                ReadFrames(_plain.AsSpan(0, plain), frames);
            }
            if (_channel.IsEstablished && !_helloSent && SendsHello)
            {
                _helloSent = true;
                reply.AddRange(Seal(Hello()));
            }
        }
        return [.. reply];
    }

    private void ReadFrames(ReadOnlySpan<byte> plain, List<byte[]>? frames)
    {
        while (!plain.IsEmpty)
        {
            if (FrameReader.TryReadFrame(plain, out ReadOnlySpan<byte> body, out int used) != FrameStatus.Complete)
                throw new InvalidOperationException("bad frame inside a record");
            if (!Open)
            {
                if (FrameReader.TryParseHello(body, out HelloView hello) is { } error)
                    throw new InvalidOperationException(error);
                if (!P2PChat.Net.Crypto.IdentityKey.Verify(hello.Key, NodeCore.HelloMessage(_channel.HandshakeHash, hello.Signed), hello.Signature))
                    throw new InvalidOperationException("HELLO signature does not verify");
                PeerNode = NodeKeys.Origin(hello.Key, hello.Epoch);
                PeerName = Encoding.UTF8.GetString(hello.Name);
                Open = true;
            }
            else
            {
                frames?.Add(plain[..used].ToArray());
            }
            plain = plain[used..];
        }
    }

    private byte[] Hello()
    {
        byte[] nameUtf8 = Encoding.UTF8.GetBytes(name);
        var hello = new byte[FrameWriter.HelloSize(nameUtf8)];
        FrameWriter.WriteHello(hello, keys.Identity.Public, keys.Epoch, listenPort, nameUtf8);
        byte[] message = NodeCore.HelloMessage(_channel.HandshakeHash, hello.AsSpan(Protocol.LengthPrefixSize, hello.Length - Protocol.LengthPrefixSize - Protocol.SignatureSize));
        keys.Identity.Sign(message, hello.AsSpan(hello.Length - Protocol.SignatureSize));
        return hello;
    }

    /// <summary>One record carrying <paramref name="frames"/> (whole frames, at most MaxRecordPlaintext bytes).</summary>
    public byte[] Seal(ReadOnlySpan<byte> frames)
    {
        if (!_channel.TryQueue(frames))
            throw new ArgumentException("too much for one record", nameof(frames));
        return _record.AsSpan(0, _channel.Seal(_record)).ToArray();
    }

    /// <summary>A CHAT frame of one line by <paramref name="author"/>, signed as a batch of one.</summary>
    public static byte[] Line(NodeKeys author, string name, ulong seq, string text, long timeMs = 0) =>
        Line(author, name, seq, Encoding.UTF8.GetBytes(text), timeMs);

    /// <summary>The same with raw text bytes, valid or not (hostile-peer tests).</summary>
    public static byte[] Line(NodeKeys author, string name, ulong seq, byte[] text, long timeMs)
    {
        var signer = new LineSigner(author, new SelfName(Encoding.UTF8.GetBytes(name)));
        signer.Add(new MessageId(author.NodeId, seq), timeMs, text);
        signer.Sign();
        var frame = new byte[Protocol.MaxFrameSize + 64];
        int size = signer.WriteFrame(0, frame, out _);
        return frame[..size];
    }

    /// <summary>A line signed by <paramref name="signer"/> that claims <paramref name="origin"/> (a batch of one): what a
    /// forger sends to speak as someone else, or to silence them with a high sequence number.</summary>
    public static byte[] ForgedLine(NodeKeys signer, ulong origin, string name, ulong seq, string text)
    {
        byte[] nameUtf8 = Encoding.UTF8.GetBytes(name);
        byte[] textUtf8 = Encoding.UTF8.GetBytes(text);
        var head = new byte[25 + nameUtf8.Length];
        BinaryPrimitives.WriteUInt64BigEndian(head, origin);
        BinaryPrimitives.WriteUInt64BigEndian(head.AsSpan(8), seq);
        head[24] = (byte)nameUtf8.Length;
        nameUtf8.CopyTo(head, 25);
        var hasher = new P2PChat.Net.Crypto.Sha256Hasher();
        var root = new byte[Protocol.TreeHashSize];
        BatchTree.Leaf(hasher, head, textUtf8, root);
        var signed = new byte[LineVerifier.SignedSize];
        LineVerifier.WriteSigned(signed, origin, seq, 1, root);
        var signature = new byte[Protocol.SignatureSize];
        signer.Identity.Sign(signed, signature);
        var seal = new byte[FrameWriter.SealHeaderSize];
        FrameWriter.WriteSealHeader(seal, signer.Identity.Public, signer.Epoch, seq, 1, signature);
        var frame = new byte[FrameWriter.ChatSize(nameUtf8, textUtf8, 0)];
        FrameWriter.WriteChat(frame, new MessageId(origin, seq), 0, nameUtf8, textUtf8, seal, []);
        return frame;
    }

    /// <summary>A signed PRESENCE "alive" of <paramref name="keys"/>' member, with its private-message key: what a
    /// member announces (its counter 1), saying it has said <paramref name="lastSeq"/> lines.</summary>
    public static byte[] Announcement(NodeKeys keys, string name, ulong counter = 1, ulong lastSeq = 0)
    {
        byte[] nameUtf8 = Encoding.UTF8.GetBytes(name);
        var frame = new byte[FrameWriter.PresenceSize(nameUtf8)];
        FrameWriter.WritePresence(frame, PresenceKind.Alive, keys.NodeId, counter, 1000, lastSeq, nameUtf8, keys.Identity.Public, keys.Epoch,
            keys.BoxPublic);
        Presence.Sign(keys, frame);
        return frame;
    }

    /// <summary>A BYE for <paramref name="origin"/>, signed by <paramref name="signer"/> (whose key does not give that
    /// origin): what a forger sends to make a live member "leave".</summary>
    public static byte[] ForgedBye(NodeKeys signer, ulong origin, string name)
    {
        byte[] nameUtf8 = Encoding.UTF8.GetBytes(name);
        var bye = new byte[FrameWriter.PresenceSize(nameUtf8)];
        FrameWriter.WritePresence(bye, PresenceKind.Bye, origin, ulong.MaxValue / 2, 1000, 0, nameUtf8, signer.Identity.Public, signer.Epoch);
        signer.Identity.Sign(bye.AsSpan(Protocol.LengthPrefixSize, bye.Length - Protocol.LengthPrefixSize - Protocol.SignatureSize),
            bye.AsSpan(bye.Length - Protocol.SignatureSize));
        return bye;
    }
}
