// A parsed SUSPECT frame; spans point into the receive buffer and are only valid during the callback.
namespace P2PChat.Net;

internal readonly ref struct SuspectView(ulong suspecter, ulong target, ulong counter)
{
    /// <summary>Who lost its last link to Target; its key and epoch below give this id, and it signed the frame.</summary>
    public ulong Suspecter { get; } = suspecter;

    public ulong Target { get; } = target;

    /// <summary>Target's announcement counter the suspecter had: a newer announcement refutes the suspicion.</summary>
    public ulong Counter { get; } = counter;

    public ReadOnlySpan<byte> Key { get; init; }
    public ulong Epoch { get; init; }
    public ReadOnlySpan<byte> Signed { get; init; }
    public ReadOnlySpan<byte> Signature { get; init; }
}
