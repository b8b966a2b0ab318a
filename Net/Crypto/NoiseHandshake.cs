// Noise_XXpsk3_25519_ChaChaPoly_SHA256 (Noise spec rev 34) as a HandshakeState with no I/O: the caller moves the three
// messages  -> e ;  <- e, ee, s, es ;  -> s, se, psk  and gets a NoiseTransport from Split. Every incoming length is
// checked before use; any failure kills the handshake for good.
namespace P2PChat.Net.Crypto;

internal sealed class NoiseHandshake
{
    public const int MaxMessage = 65535;

    private const int KeySize = X25519Keys.Size, TagSize = ChaChaPoly.TagSize;
    private const int EncryptedKeySize = KeySize + TagSize;

    // Bytes around the payload in each message: e + tag; e + encrypted s + tag; encrypted s + tag.
    private static readonly int[] Overhead = [KeySize + TagSize, KeySize + EncryptedKeySize + TagSize,
        EncryptedKeySize + TagSize];

    private static ReadOnlySpan<byte> ProtocolName => "Noise_XXpsk3_25519_ChaChaPoly_SHA256"u8;

    private readonly bool _initiator;
    private readonly SymmetricState _symmetric;
    private readonly IRandomSource? _random;    // null when the ephemeral key was fixed (test vectors)
    private readonly byte[] _psk = new byte[32];
    private readonly byte[] _staticPrivate = new byte[KeySize];
    private readonly byte[] _staticPublic = new byte[KeySize];
    private readonly byte[] _ephemeralPrivate = new byte[KeySize];
    private readonly byte[] _ephemeralPublic = new byte[KeySize];
    private readonly byte[] _remoteEphemeral = new byte[KeySize];
    private readonly byte[] _remoteStatic = new byte[KeySize];
    // The responder's ee and es, computed when message 1 arrives, so that a bad key there fails ReadMessage rather than
    // the WriteMessage after it.
    private readonly byte[] _responderDh = new byte[2 * KeySize];
    private bool _hasEphemeral;
    private bool _hasRemoteStatic;
    private int _step;       // messages done: 0..3
    private bool _failed;    // a ReadMessage failed: nothing more will work
    private bool _split;

    /// <param name="staticPublic32">The public half of the static key, when the caller has it: deriving it is a scalar
    /// multiplication, which a node making one handshake per connection need not repeat.</param>
    public NoiseHandshake(bool initiator, ReadOnlySpan<byte> prologue, ReadOnlySpan<byte> psk32,
        ReadOnlySpan<byte> staticPrivate32, IRandomSource random, ReadOnlySpan<byte> staticPublic32 = default)
        : this(initiator, prologue, psk32, staticPrivate32, random, default, staticPublic32)
    {
    }

    /// <summary>With a fixed ephemeral private key, for the published test vectors only.</summary>
    internal NoiseHandshake(bool initiator, ReadOnlySpan<byte> prologue, ReadOnlySpan<byte> psk32,
        ReadOnlySpan<byte> staticPrivate32, ReadOnlySpan<byte> ephemeralPrivate32)
        : this(initiator, prologue, psk32, staticPrivate32, null, ephemeralPrivate32, default)
    {
        if (ephemeralPrivate32.Length != KeySize)
            throw new ArgumentException($"an X25519 key is {KeySize} bytes", nameof(ephemeralPrivate32));
    }

    private NoiseHandshake(bool initiator, ReadOnlySpan<byte> prologue, ReadOnlySpan<byte> psk32,
        ReadOnlySpan<byte> staticPrivate32, IRandomSource? random, ReadOnlySpan<byte> ephemeralPrivate32, ReadOnlySpan<byte> staticPublic32)
    {
        if (psk32.Length != _psk.Length)
            throw new ArgumentException("the pre-shared key is 32 bytes", nameof(psk32));
        if (staticPrivate32.Length != KeySize)
            throw new ArgumentException($"an X25519 key is {KeySize} bytes", nameof(staticPrivate32));
        _initiator = initiator;
        _random = random;
        psk32.CopyTo(_psk);
        staticPrivate32.CopyTo(_staticPrivate);
        if (staticPublic32.Length == KeySize)
            staticPublic32.CopyTo(_staticPublic);
        else
            X25519Keys.PublicFromPrivate(_staticPrivate, _staticPublic);
        if (!ephemeralPrivate32.IsEmpty)
        {
            ephemeralPrivate32.CopyTo(_ephemeralPrivate);
            X25519Keys.PublicFromPrivate(_ephemeralPrivate, _ephemeralPublic);
            _hasEphemeral = true;
        }
        _symmetric = new SymmetricState(ProtocolName);
        _symmetric.MixHash(prologue);
    }

    /// <summary>The initiator writes messages 1 and 3, the responder message 2.</summary>
    public bool IsMyTurn => !_failed && _step < 3 && (_step % 2 == 0) == _initiator;

    public bool IsComplete => !_failed && _step == 3;

    /// <summary>The peer's static key once its message carrying it was read; empty before.</summary>
    public ReadOnlySpan<byte> RemoteStatic => _hasRemoteStatic ? _remoteStatic : default;

    /// <summary>h at the end of the handshake, the same on both sides: bind anything to this session with it.</summary>
    public ReadOnlySpan<byte> HandshakeHash => IsComplete
        ? _symmetric.Hash
        : throw new InvalidOperationException("the handshake is not complete");

    /// <summary>Writes the next message with <paramref name="payload"/> encrypted in it and returns its length.
    /// InvalidOperationException if it is not our turn.</summary>
    public int WriteMessage(ReadOnlySpan<byte> payload, Span<byte> output)
    {
        if (!IsMyTurn)
            throw new InvalidOperationException(_failed ? "the handshake failed" : "it is not our turn to write");
        int length = Overhead[_step] + payload.Length;
        if (length > MaxMessage)
            throw new ArgumentException($"the payload makes the message longer than {MaxMessage} bytes", nameof(payload));
        if (output.Length < length)
            throw new ArgumentException($"the message needs {length} bytes", nameof(output));

        int at = 0;
        Span<byte> shared = stackalloc byte[KeySize];
        switch (_step)
        {
            case 0: // -> e
                at += WriteEphemeral(output);
                break;
            case 1: // <- e, ee, s, es
                at += WriteEphemeral(output);
                _symmetric.MixKey(_responderDh.AsSpan(0, KeySize));
                at += _symmetric.EncryptAndHash(_staticPublic, output[at..]);
                _symmetric.MixKey(_responderDh.AsSpan(KeySize, KeySize));
                Array.Clear(_responderDh);
                break;
            default: // -> s, se, psk
                at += _symmetric.EncryptAndHash(_staticPublic, output[at..]);
                if (!X25519Keys.Agree(_staticPrivate, _remoteEphemeral, shared))
                    throw new InvalidOperationException("unreachable: the peer's ephemeral key passed ee");
                _symmetric.MixKey(shared);
                _symmetric.MixKeyAndHash(_psk);
                break;
        }
        at += _symmetric.EncryptAndHash(payload, output[at..]);
        shared.Clear();
        _step++;
        return at;
    }

    /// <summary>Reads the peer's next message into <paramref name="payload"/> (which must not overlap it). False when
    /// the message is malformed (too short, over MaxMessage, a payload that does not fit), carries a bad key, or fails
    /// authentication (a wrong psk, tampering); the handshake is then dead.</summary>
    public bool ReadMessage(ReadOnlySpan<byte> message, Span<byte> payload, out int payloadLength)
    {
        payloadLength = 0;
        if (_failed || _step >= 3 || IsMyTurn)
            return Fail();
        int overhead = Overhead[_step];
        if (message.Length < overhead || message.Length > MaxMessage || payload.Length < message.Length - overhead)
            return Fail();

        int at = 0;
        Span<byte> shared = stackalloc byte[KeySize];
        switch (_step)
        {
            case 0: // -> e (responder)
                at += ReadEphemeral(message);
                if (!_hasEphemeral)
                    GenerateEphemeral();
                if (!X25519Keys.Agree(_ephemeralPrivate, _remoteEphemeral, _responderDh.AsSpan(0, KeySize))
                    || !X25519Keys.Agree(_staticPrivate, _remoteEphemeral, _responderDh.AsSpan(KeySize, KeySize)))
                    return Fail();
                break;
            case 1: // <- e, ee, s, es (initiator)
                at += ReadEphemeral(message);
                if (!X25519Keys.Agree(_ephemeralPrivate, _remoteEphemeral, shared))
                    return Fail();
                _symmetric.MixKey(shared);
                if (!ReadStatic(message.Slice(at, EncryptedKeySize)))
                    return Fail();
                at += EncryptedKeySize;
                if (!X25519Keys.Agree(_ephemeralPrivate, _remoteStatic, shared))
                    return Fail();
                _symmetric.MixKey(shared);
                break;
            default: // -> s, se, psk (responder)
                if (!ReadStatic(message[..EncryptedKeySize]))
                    return Fail();
                at += EncryptedKeySize;
                if (!X25519Keys.Agree(_ephemeralPrivate, _remoteStatic, shared))
                    return Fail();
                _symmetric.MixKey(shared);
                _symmetric.MixKeyAndHash(_psk);
                break;
        }
        shared.Clear();
        if (!_symmetric.DecryptAndHash(message[at..], payload, out payloadLength))
            return Fail();
        _step++;
        return true;
    }

    /// <summary>The transport keys, once: the initiator sends with the first, the responder with the second.</summary>
    public NoiseTransport Split()
    {
        if (!IsComplete)
            throw new InvalidOperationException("the handshake is not complete");
        if (_split)
            throw new InvalidOperationException("the handshake was already split");
        _split = true;
        Span<byte> first = stackalloc byte[ChaChaPoly.KeySize];
        Span<byte> second = stackalloc byte[ChaChaPoly.KeySize];
        _symmetric.Split(first, second);
        var initiatorToResponder = new CipherState();
        var responderToInitiator = new CipherState();
        initiatorToResponder.InitializeKey(first);
        responderToInitiator.InitializeKey(second);
        first.Clear();
        second.Clear();
        Array.Clear(_ephemeralPrivate);
        Array.Clear(_psk);
        return _initiator
            ? new NoiseTransport(initiatorToResponder, responderToInitiator)
            : new NoiseTransport(responderToInitiator, initiatorToResponder);
    }

    private int WriteEphemeral(Span<byte> output)
    {
        if (!_hasEphemeral)
            GenerateEphemeral();
        _ephemeralPublic.CopyTo(output);
        _symmetric.MixHash(_ephemeralPublic);
        _symmetric.MixKey(_ephemeralPublic); // the psk rule: e also keys the cipher in a psk handshake
        return KeySize;
    }

    private int ReadEphemeral(ReadOnlySpan<byte> message)
    {
        message[..KeySize].CopyTo(_remoteEphemeral);
        _symmetric.MixHash(_remoteEphemeral);
        _symmetric.MixKey(_remoteEphemeral);
        return KeySize;
    }

    private bool ReadStatic(ReadOnlySpan<byte> encrypted)
    {
        if (!_symmetric.DecryptAndHash(encrypted, _remoteStatic, out int length) || length != KeySize)
            return false;
        _hasRemoteStatic = true;
        return true;
    }

    private void GenerateEphemeral()
    {
        X25519Keys.GeneratePrivate(_random!, _ephemeralPrivate);
        X25519Keys.PublicFromPrivate(_ephemeralPrivate, _ephemeralPublic);
        _hasEphemeral = true;
    }

    private bool Fail()
    {
        _failed = true;
        Array.Clear(_ephemeralPrivate);
        Array.Clear(_responderDh);
        return false;
    }
}
