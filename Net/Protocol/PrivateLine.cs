// Private messages: a line whose text is sealed to one member's key. It travels as an ordinary signed line (so it is
// relayed, ordered, delivered exactly once and kept in the logs for sync like any other) but its text is an envelope
// only the recipient can open: `NUL "pm1 " base64(to:u64 ephemeral:32 ChaChaPoly(text))`, with the key
// SHA-256("p2pchat pm 2" || X25519(ephemeral, recipient box) || ephemeral public || recipient box) and the sender's
// identity key and the recipient's id as associated data (so the envelope cannot be passed off under another author).
// Relays and everyone else see that a private line went from its author, when, and to which node id; not its text.
using System.Buffers.Binary;
using System.Text;
using P2PChat.Net.Crypto;

namespace P2PChat.Net;

internal static class PrivateLine
{
    private static ReadOnlySpan<byte> Prefix => "\0pm1 "u8;
    private static ReadOnlySpan<byte> KeyLabel => "p2pchat pm 2"u8;

    /// <summary>Longest text a private line carries: what fits, base64 and envelope included, in MaxTextBytes.</summary>
    public const int MaxTextBytes = (Protocol.MaxTextBytes - 5) / 4 * 3 - 8 - 32 - 16;

    public static bool IsPrivate(ReadOnlySpan<byte> text) => text.StartsWith(Prefix);

    /// <summary>The wire text of a private line from <paramref name="from"/> to node <paramref name="to"/>, whose box key
    /// is <paramref name="box"/>.</summary>
    public static byte[] Seal(NodeKeys from, ulong to, ReadOnlySpan<byte> box, ReadOnlySpan<byte> text)
    {
        if (text.Length is 0 or > MaxTextBytes)
            throw new ArgumentException($"a private message is 1 to {MaxTextBytes} bytes", nameof(text));
        Span<byte> ephemeral = stackalloc byte[X25519Keys.Size];
        X25519Keys.GeneratePrivate(from.Random, ephemeral);
        var envelope = new byte[8 + 32 + text.Length + ChaChaPoly.TagSize];
        BinaryPrimitives.WriteUInt64BigEndian(envelope, to);
        X25519Keys.PublicFromPrivate(ephemeral, envelope.AsSpan(8, 32));
        Span<byte> key = stackalloc byte[32];
        if (!Key(ephemeral, box, envelope.AsSpan(8, 32), box, key))
            throw new ArgumentException("the recipient's key is not usable", nameof(box));
        new ChaChaPoly(key).Seal(0, Associated(from.Identity.Public, to), text, envelope.AsSpan(40));
        key.Clear();
        ephemeral.Clear();
        string encoded = Convert.ToBase64String(envelope);
        var wire = new byte[Prefix.Length + encoded.Length];
        Prefix.CopyTo(wire);
        Encoding.ASCII.GetBytes(encoded, wire.AsSpan(Prefix.Length));
        return wire;
    }

    /// <summary>Opens a private line's text. False when it is not for <paramref name="me"/>, or does not open (then
    /// <paramref name="forMe"/> tells which).</summary>
    public static bool TryOpen(NodeKeys me, ReadOnlySpan<byte> authorKey, ReadOnlySpan<byte> wire, out byte[] text, out bool forMe)
    {
        text = [];
        forMe = false;
        var envelope = new byte[wire.Length];
        if (!IsPrivate(wire) || !Convert.TryFromBase64Chars(Encoding.ASCII.GetString(wire[Prefix.Length..]), envelope, out int length)
            || length < 8 + 32 + ChaChaPoly.TagSize)
            return false;
        ulong to = BinaryPrimitives.ReadUInt64BigEndian(envelope);
        forMe = to == me.NodeId;
        if (!forMe)
            return false;
        Span<byte> key = stackalloc byte[32];
        if (!Key(me.BoxPrivate, envelope.AsSpan(8, 32), envelope.AsSpan(8, 32), me.BoxPublic, key))
            return false;
        var plain = new byte[length - 40 - ChaChaPoly.TagSize];
        bool opened = new ChaChaPoly(key).Open(0, Associated(authorKey, to), envelope.AsSpan(40, length - 40), plain, out int written);
        key.Clear();
        if (!opened || !TextRules.IsValidText(plain.AsSpan(0, written)))
            return false;
        text = plain[..written];
        return true;
    }

    private static bool Key(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> ephemeralPublic,
        ReadOnlySpan<byte> box, Span<byte> key)
    {
        Span<byte> shared = stackalloc byte[32];
        if (!X25519Keys.Agree(privateKey, publicKey, shared))
            return false;
        var hasher = new Sha256Hasher();
        hasher.Append(KeyLabel);
        hasher.Append(shared);
        hasher.Append(ephemeralPublic);
        hasher.Append(box);
        hasher.Finish(key);
        shared.Clear();
        return true;
    }

    private static byte[] Associated(ReadOnlySpan<byte> authorKey, ulong to)
    {
        var data = new byte[authorKey.Length + 8];
        authorKey.CopyTo(data);
        BinaryPrimitives.WriteUInt64BigEndian(data.AsSpan(authorKey.Length), to);
        return data;
    }
}
