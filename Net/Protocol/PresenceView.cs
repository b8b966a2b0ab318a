// A parsed PRESENCE frame; spans point into the receive buffer and are only valid during the callback.
namespace P2PChat.Net;

internal readonly ref struct PresenceView(PresenceKind kind, ulong origin, ulong counter, uint intervalMs, ulong lastSeq, ReadOnlySpan<byte> name)
{
    public PresenceKind Kind { get; } = kind;
    public ulong Origin { get; } = origin;

    /// <summary>Grows with every announcement of the origin; an older or equal one is a copy and is dropped.</summary>
    public ulong Counter { get; } = counter;

    /// <summary>How often the origin announces itself; it is declared gone after three of these without news.</summary>
    public uint IntervalMs { get; } = intervalMs;

    /// <summary>The sequence of the origin's last line when it announced: a node that has less for a while is missing
    /// lines (a pruned path broke somewhere it could not see) and repairs.</summary>
    public ulong LastSeq { get; } = lastSeq;

    public ReadOnlySpan<byte> Name { get; } = name;

    /// <summary>The author's key and epoch (they give Origin) and its signature over Signed.</summary>
    public ReadOnlySpan<byte> Key { get; init; }
    public ulong Epoch { get; init; }

    /// <summary>The X25519 key private messages to this member are sealed to.</summary>
    public ReadOnlySpan<byte> Box { get; init; }
    public ReadOnlySpan<byte> Signed { get; init; }
    public ReadOnlySpan<byte> Signature { get; init; }
}
