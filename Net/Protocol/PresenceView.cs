// A parsed PRESENCE frame; the name points into the receive buffer and is only valid during the callback.
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
}
