// A line's seal as parsed from a CHAT or REPLAY: the author's key and epoch, the batch its signature covers, and the
// Merkle path from this line to the signed root. Spans point into the receive buffer (LineVerifier checks it).
namespace P2PChat.Net;

internal readonly ref struct SealView(ReadOnlySpan<byte> key, ulong epoch, ulong first, int count, ReadOnlySpan<byte> signature,
    ReadOnlySpan<byte> path, ReadOnlySpan<byte> header)
{
    public ReadOnlySpan<byte> Key { get; } = key;
    public ulong Epoch { get; } = epoch;

    /// <summary>Sequence of the batch's first line; the batch is [First, First + Count).</summary>
    public ulong First { get; } = first;
    public int Count { get; } = count;
    public ReadOnlySpan<byte> Signature { get; } = signature;

    /// <summary>Sibling hashes from the leaf up, TreeHashSize bytes each (none where a node is promoted).</summary>
    public ReadOnlySpan<byte> Path { get; } = path;

    /// <summary>key, epoch, first, count and signature as bytes: the same for every line of a batch, which is what
    /// LineVerifier's cache compares.</summary>
    public ReadOnlySpan<byte> Header { get; } = header;
}
