// Checks that a line was said by the key it names, before it is shown or logged (or passed on as CHAT): the key and
// epoch must give the line's origin, and the line's Merkle path (BatchTree) must lead to a root its author signed. One
// Ed25519 verification per batch, not per line: a batch once verified is cached by (origin, first) with its seal's
// bytes and the tree nodes learned so far, so the next line of it (or another copy of the same line) costs its leaf
// hash, about one node hash, and comparisons. A line accepted from the cache has exactly the bytes a fresh check would
// accept (a relay never vouches for a line its neighbour would refuse). Bounded: the oldest batch is forgotten first.
using System.Buffers.Binary;
using P2PChat.Net.Crypto;

namespace P2PChat.Net;

internal sealed class LineVerifier(SignatureMemo signatures, int capacity = LineVerifier.DefaultCapacity)
{
    public const int DefaultCapacity = 256; // 4 KiB of tree nodes each at most

    private static ReadOnlySpan<byte> Label => "p2pchat batch 2"u8;

    /// <summary>What a signature covers: label, origin, first, count, root.</summary>
    public const int SignedSize = 15 + 8 + 8 + 1 + Protocol.TreeHashSize;

    /// <summary>A verified batch: its seal header and every tree node learned so far (laid out as BatchTree.Build lays
    /// them out), each known to lead to the signed root.</summary>
    private sealed class Batch
    {
        public readonly byte[] Header = new byte[Protocol.SealFixedSize - 1];
        public readonly byte[] Nodes = new byte[2 * Protocol.MaxBatchLines * Protocol.TreeHashSize];
        public readonly ulong[] Known = new ulong[2 * Protocol.MaxBatchLines / 64]; // a bit per node slot
        public (ulong Origin, ulong First) Id;

        public bool Has(int slot) => (Known[slot >> 6] & (1UL << slot)) != 0;

        public void Mark(int slot) => Known[slot >> 6] |= 1UL << slot;

        public Span<byte> Node(int slot) => Nodes.AsSpan(slot * Protocol.TreeHashSize, Protocol.TreeHashSize);
    }

    private readonly Sha256Hasher _hasher = new();
    private readonly Dictionary<(ulong Origin, ulong First), Batch> _batches = [];
    private readonly Queue<Batch> _age = new();

    // The nodes met on the way up from one line's leaf (slot and hash), remembered once the line verifies.
    private readonly int[] _metSlots = new int[2 * Protocol.MaxTreeDepth + 2];
    private readonly byte[] _metNodes = new byte[(2 * Protocol.MaxTreeDepth + 2) * Protocol.TreeHashSize];
    private int _met;

    /// <summary>Signatures checked (cache misses).</summary>
    public long SignaturesChecked { get; private set; }

    /// <summary>Leaf and node hashes computed (what a cached batch saves; for tests and benchmarks).</summary>
    internal long Hashes { get; private set; }

    /// <summary>Lines refused: wrong key for the origin, a path to nowhere, or a signature that does not verify.</summary>
    public long Forged { get; private set; }

    /// <summary>Whether the line's batch was verified already, so Verify costs a hash or two, not a signature check.</summary>
    public bool IsCached(in ChatView chat) =>
        _batches.TryGetValue((chat.Id.Origin, chat.Seal.First), out Batch? cached) && chat.Seal.Header.SequenceEqual(cached.Header);

    public bool Verify(in ChatView chat)
    {
        if (Check(chat))
            return true;
        Forged++;
        return false;
    }

    /// <summary>Climbs from the line's leaf along its path. Where it meets a node already known to lead to the signed
    /// root, the rest of the path must equal the known siblings (compared, not hashed: the next line of a batch costs
    /// its leaf and about one node). Otherwise it reaches a root, which a cached batch must match, or which the
    /// signature must cover. Either way the line is accepted exactly when a verifier that knew nothing would accept it.</summary>
    private bool Check(in ChatView chat)
    {
        SealView seal = chat.Seal;
        var id = (chat.Id.Origin, seal.First);
        Batch? batch = _batches.TryGetValue(id, out Batch? cached) && seal.Header.SequenceEqual(cached.Header) ? cached : null;
        Span<byte> node = stackalloc byte[Protocol.TreeHashSize];
        BatchTree.Leaf(_hasher, chat.Head, chat.Text, node);
        Hashes++;
        ReadOnlySpan<byte> path = seal.Path;
        _met = 0;
        int index = (int)(chat.Id.Seq - seal.First);
        int start = 0;
        for (int width = seal.Count; width > 1; start += width, width = (width + 1) / 2, index /= 2)
        {
            if (batch is not null && batch.Has(start + index))
            {
                if (!node.SequenceEqual(batch.Node(start + index)) || !RestMatches(batch, start, width, index, path))
                    return false;
                // What was met on the way hashes up to a node known to lead to the signed root, so it leads there too
                // (the reasoning that lets a climb to the root learn its nodes). Remembered, the next line of the
                // batch meets its sibling leaf or parent here instead of hashing its way up to where this one stopped:
                // without this, line i of a batch of 32 cost its leaf plus about log2(i) nodes, ~4 hashes a line.
                Learn(batch);
                return true;
            }
            Meet(start + index, node);
            int sibling = index ^ 1;
            if (sibling >= width)
                continue; // promoted unchanged
            if (path.Length < Protocol.TreeHashSize)
                return false;
            ReadOnlySpan<byte> other = path[..Protocol.TreeHashSize];
            path = path[Protocol.TreeHashSize..];
            Meet(start + sibling, other);
            Hashes++;
            if ((index & 1) == 0)
                BatchTree.Node(_hasher, node, other, node);
            else
                BatchTree.Node(_hasher, other, node, node);
        }
        if (!path.IsEmpty)
            return false;
        if (batch is not null)
        {
            if (!batch.Has(start) || !node.SequenceEqual(batch.Node(start)))
                return false;
            Learn(batch);
            return true;
        }
        if (NodeKeys.Origin(seal.Key, seal.Epoch) != chat.Id.Origin)
            return false;
        Span<byte> signed = stackalloc byte[SignedSize];
        WriteSigned(signed, chat.Id.Origin, seal.First, seal.Count, node);
        SignaturesChecked++;
        if (!signatures.Verify(seal.Key, signed, seal.Signature))
            return false;
        batch = Remember(id, seal.Header);
        Meet(start, node);
        Learn(batch);
        return true;
    }

    /// <summary>From a known node up: every sibling the path still names must be the known one, and the path must end.</summary>
    private static bool RestMatches(Batch batch, int start, int width, int index, ReadOnlySpan<byte> path)
    {
        for (; width > 1; start += width, width = (width + 1) / 2, index /= 2)
        {
            int sibling = index ^ 1;
            if (sibling >= width)
                continue;
            if (path.Length < Protocol.TreeHashSize || !batch.Has(start + sibling) || !path[..Protocol.TreeHashSize].SequenceEqual(batch.Node(start + sibling)))
                return false;
            path = path[Protocol.TreeHashSize..];
        }
        return path.IsEmpty;
    }

    private void Meet(int slot, ReadOnlySpan<byte> hash)
    {
        _metSlots[_met] = slot;
        hash.CopyTo(_metNodes.AsSpan(_met * Protocol.TreeHashSize));
        _met++;
    }

    private void Learn(Batch batch)
    {
        for (int i = 0; i < _met; i++)
        {
            _metNodes.AsSpan(i * Protocol.TreeHashSize, Protocol.TreeHashSize).CopyTo(batch.Node(_metSlots[i]));
            batch.Mark(_metSlots[i]);
        }
    }

    private Batch Remember((ulong Origin, ulong First) id, ReadOnlySpan<byte> header)
    {
        if (!_batches.TryGetValue(id, out Batch? batch))
        {
            if (_batches.Count >= capacity)
            {
                batch = _age.Dequeue();
                _batches.Remove(batch.Id);
            }
            else
            {
                batch = new Batch();
            }
            batch.Id = id;
            _batches.Add(id, batch);
            _age.Enqueue(batch);
        }
        header.CopyTo(batch.Header);
        Array.Clear(batch.Known);
        return batch;
    }

    /// <summary>The bytes a batch signature covers.</summary>
    public static void WriteSigned(Span<byte> destination, ulong origin, ulong first, int count, ReadOnlySpan<byte> root)
    {
        Label.CopyTo(destination);
        BinaryPrimitives.WriteUInt64BigEndian(destination[15..], origin);
        BinaryPrimitives.WriteUInt64BigEndian(destination[23..], first);
        destination[31] = (byte)count;
        root.CopyTo(destination[32..]);
    }
}
