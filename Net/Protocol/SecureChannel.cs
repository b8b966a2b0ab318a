// One link's encryption: the Noise handshake (Noise_XXpsk3_25519_ChaChaPoly_SHA256, Net/Crypto/NoiseHandshake.cs)
// and then the transport, which seals the frames queued for the link into records and opens the records that arrive.
// Pure: no socket; the core hands it bytes and sends what it returns. Frames queued during one input are sealed
// together (one record, one AEAD tag, per link per input, up to MaxRecordPlaintext), so encryption costs a few
// records per burst rather than one per message.
//
//   record = length:u16 body            ; 1 <= length <= 65535
//   handshake: body = a Noise message (initiator: message 1 and 3, responder: message 2)
//   alert:     body = code:u8           ; a responder that could not finish (1: the room secret differs)
//   transport: body = ChaChaPoly(frames) + 16-byte tag, nonces counting from 0 each way (so a replayed, reordered,
//              dropped or altered record fails to open and closes the link)
using System.Buffers.Binary;
using P2PChat.Net.Crypto;

namespace P2PChat.Net;

internal sealed class SecureChannel(bool initiator, NodeKeys keys)
{
    /// <summary>Bound into the handshake hash: both sides must speak this protocol, version 2.</summary>
    private static ReadOnlySpan<byte> Prologue => "p2pchat/2"u8;

    public const byte AlertRoomSecret = 1;

    private const int InitialOutbox = 4096;

    private readonly NoiseHandshake _handshake = new(initiator, Prologue, keys.Psk, keys.StaticPrivate, keys.Random, keys.StaticPublic);
    private NoiseTransport? _transport;
    private byte[] _outbox = [];
    private BurstBuffer _burst; // the outbox grows to a burst's record (up to 16 KiB) and goes back to 4 KiB after it
    private byte[]? _sentEphemeral;

    /// <summary>Message 1 is the initiator's ephemeral public key in the clear.</summary>
    public const int EphemeralSize = 32;

    /// <summary>Whether <paramref name="message1"/> is the message 1 this channel sent: a connection to ourselves.</summary>
    public bool SentMessage1(ReadOnlySpan<byte> message1) =>
        _sentEphemeral is not null && message1.Length >= EphemeralSize && message1[..EphemeralSize].SequenceEqual(_sentEphemeral);
    private int _outLength;

    public bool Initiator => initiator;

    /// <summary>The handshake is over: records are transport records.</summary>
    public bool IsEstablished => _transport is not null;

    /// <summary>Once established: the Noise handshake hash, which each side's HELLO signs (channel binding).</summary>
    public ReadOnlySpan<byte> HandshakeHash => _handshake.HandshakeHash;

    /// <summary>The outbox's size now (diagnostics: ChatNode.LinkBufferBytes).</summary>
    public int OutboxCapacity => _outbox.Length;

    /// <summary>Plaintext bytes queued and not yet sealed.</summary>
    public int Pending => _outLength;

    /// <summary>Writes our next handshake message as a record (message 1 for the initiator right after connecting, then
    /// whatever the handshake calls for). Returns the record's size.</summary>
    public int WriteHandshake(Span<byte> record)
    {
        int length = _handshake.WriteMessage([], record[Protocol.RecordHeaderSize..]);
        BinaryPrimitives.WriteUInt16BigEndian(record, (ushort)length);
        if (initiator && _sentEphemeral is null)
            _sentEphemeral = record.Slice(Protocol.RecordHeaderSize, EphemeralSize).ToArray();
        if (_handshake.IsComplete)
            _transport = _handshake.Split();
        return Protocol.RecordHeaderSize + length;
    }

    /// <summary>Reads the peer's handshake message. False: malformed, or it failed authentication (a different room
    /// secret, or altered bytes); the link must close.</summary>
    public bool ReadHandshake(ReadOnlySpan<byte> message)
    {
        Span<byte> payload = stackalloc byte[64];
        if (_handshake.IsMyTurn || message.Length > 256 || !_handshake.ReadMessage(message, payload, out int payloadLength) || payloadLength != 0)
            return false;
        if (_handshake.IsComplete)
            _transport = _handshake.Split();
        return true;
    }

    /// <summary>Whether we must send a handshake message now (after reading one that calls for an answer).</summary>
    public bool MustAnswer => _transport is null && _handshake.IsMyTurn;

    /// <summary>Queues a whole frame; false when it does not fit in the current record (seal first).</summary>
    public bool TryQueue(ReadOnlySpan<byte> frame)
    {
        int needed = _outLength + frame.Length;
        if (needed > Protocol.MaxRecordPlaintext)
            return false;
        if (needed > _outbox.Length)
            Array.Resize(ref _outbox, Math.Min(Protocol.MaxRecordPlaintext, Math.Max(needed, Math.Max(InitialOutbox, _outbox.Length * 2))));
        frame.CopyTo(_outbox.AsSpan(_outLength));
        _outLength = needed;
        return true;
    }

    /// <summary>Seals what is queued into one record (needs RecordHeaderSize + Pending + 16 bytes). Returns its size.</summary>
    public int Seal(Span<byte> record)
    {
        int length = _transport!.Seal(_outbox.AsSpan(0, _outLength), record[Protocol.RecordHeaderSize..]);
        BinaryPrimitives.WriteUInt16BigEndian(record, (ushort)length);
        if (_burst.ShouldShrink(_outLength, _outbox.Length, InitialOutbox))
            _outbox = new byte[InitialOutbox];
        _outLength = 0;
        return Protocol.RecordHeaderSize + length;
    }

    /// <summary>Opens a transport record into <paramref name="plaintext"/>. False when it fails authentication.</summary>
    public bool Open(ReadOnlySpan<byte> record, Span<byte> plaintext, out int length) => _transport!.Open(record, plaintext, out length);

    /// <summary>The record a responder sends before closing when the initiator's last message failed.</summary>
    public static ReadOnlySpan<byte> RoomAlert => [0, 1, AlertRoomSecret];
}
