// A parsed CHAT frame; name and text point into the receive buffer and are only valid during the callback,
// so the forwarding path never copies or allocates them.
namespace P2PChat.Net;

internal readonly ref struct ChatView(MessageId id, long timeMs, ReadOnlySpan<byte> name, ReadOnlySpan<byte> text, bool history = false)
{
    public MessageId Id { get; } = id;

    /// <summary>Sender's clock, Unix milliseconds. Informational only: never used for ordering.</summary>
    public long TimeMs { get; } = timeMs;

    public ReadOnlySpan<byte> Name { get; } = name;
    public ReadOnlySpan<byte> Text { get; } = text;

    /// <summary>Replayed by anti-entropy (history for a newcomer, or missed during a split), not said just now.</summary>
    public bool History { get; } = history;

    /// <summary>The author's public key (empty where a caller built the view without one).</summary>
    public ReadOnlySpan<byte> Key { get; init; }

    /// <summary>origin, seq, time, nameLen and name as on the wire: with Text, what the line's leaf hash covers.</summary>
    public ReadOnlySpan<byte> Head { get; init; }

    public SealView Seal { get; init; }

    /// <summary>Per-reader tags (LineTags), Protocol.LineTagSize bytes each; empty on most lines.</summary>
    public ReadOnlySpan<byte> Tags { get; init; }

    /// <summary>A private message to us, opened (PrivateLine): Text is what its author wrote to us alone.</summary>
    public bool Private { get; init; }
}
