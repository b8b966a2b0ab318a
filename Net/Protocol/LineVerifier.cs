// Checks that a line was said by the author it names, before it is shown or logged (or passed on): the line's Merkle
// path (BatchTree) must lead to a root its author signed (the key and epoch must give the line's origin) or tagged for
// us (LineTags, on the batch's first line: no Ed25519 verification at all). One check per batch, not per line: a batch
// once checked (but a typed line taken on its tag, which is as cheap to check again) is cached by (origin, first) with
// its seal's bytes, how it was checked, and the tree nodes learned so far, so the next line of it (or another copy of
// the same line) costs its leaf hash, about one node hash, and comparisons. A line accepted from the cache has exactly
// the bytes a fresh check would accept (a relay never vouches for a line its neighbour would refuse). Bounded: the
// oldest batch is forgotten first.
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
        public readonly ulong[] Known = new ulong[2 * Protocol.MaxBatchLines / 64]; // a bit per node slot

        // Room for the batch's own tree only, kept when the entry is reused: a typed line is a batch of one, and 4 KiB
        // for each (the room of a batch of 128) put ~10 µs of fresh memory on every hop of a typed line.
        public byte[] Nodes = [];
        public (ulong Origin, ulong First) Id;
        public bool Tagged; // taken on a tag: its signature is unchecked
        public int RootSlot;

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

    /// <summary>Lines a cached tagged batch could not vouch for that were checked afresh (an author that showed two
    /// batches under one first sequence number).</summary>
    internal long Rechecked { get; private set; }

    /// <summary>Whether the line's batch was verified already, so Verify costs a hash or two, not a signature check.</summary>
    public bool IsCached(in ChatView chat) =>
        _batches.TryGetValue((chat.Id.Origin, chat.Seal.First), out Batch? cached) && chat.Seal.Header.SequenceEqual(cached.Header);

    /// <summary>Whether the line's signature holds (never a tag): what a line must show before it is replayed.</summary>
    public bool Verify(in ChatView chat) => Check(chat, null) == LineCheck.Signed;

    /// <summary>Checks the line on its batch's signature, or on a tag for us when <paramref name="tags"/> is given (a
    /// live line; history and replays need the signature).</summary>
    public LineCheck Check(in ChatView chat, LineTags? tags)
    {
        LineCheck check = Climb(chat, tags, useCache: true, out bool cachedTagged);
        if (check == LineCheck.Forged && cachedTagged)
        {
            // A batch taken on its tag vouches only for lines that lead to its root. An author can tag one batch and
            // sign another under the same first sequence number; the signed one must still pass here, or an honest
            // relay passing it on would be blamed for a forgery.
            Rechecked++;
            check = Climb(chat, tags, useCache: false, out _);
        }
        if (check == LineCheck.Forged)
            Forged++;
        return check;
    }

    /// <summary>Climbs from the line's leaf along its path. Where it meets a node already known to lead to the checked
    /// root, the rest of the path must equal the known siblings (compared, not hashed: the next line of a batch costs
    /// its leaf and about one node). Otherwise it reaches a root, which a cached batch must match, or which a tag or
    /// the signature must cover. Either way the line is accepted exactly when a verifier that knew nothing would accept
    /// it.</summary>
    private LineCheck Climb(in ChatView chat, LineTags? tags, bool useCache, out bool cachedTagged)
    {
        SealView seal = chat.Seal;
        var id = (chat.Id.Origin, seal.First);
        Batch? batch = useCache && _batches.TryGetValue(id, out Batch? cached) && seal.Header.SequenceEqual(cached.Header)
            ? cached
            : null;
        cachedTagged = batch is { Tagged: true };
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
                    return LineCheck.Forged;
                // What was met on the way hashes up to a node known to lead to the checked root, so it leads there too
                // (the reasoning that lets a climb to the root learn its nodes). Remembered, the next line of the
                // batch meets its sibling leaf or parent here instead of hashing its way up to where this one stopped:
                // without this, line i of a batch of 32 cost its leaf plus about log2(i) nodes, ~4 hashes a line.
                Learn(batch);
                return FromCache(batch, chat, tags);
            }
            Meet(start + index, node);
            int sibling = index ^ 1;
            if (sibling >= width)
                continue; // promoted unchanged
            if (path.Length < Protocol.TreeHashSize)
                return LineCheck.Forged;
            ReadOnlySpan<byte> other = path[..Protocol.TreeHashSize];
            path = path[Protocol.TreeHashSize..];
            Meet(start + sibling, other);
            Hashes++;
            if ((index & 1) == 0)
                BatchTree.Node(node, other, node);
            else
                BatchTree.Node(other, node, node);
        }
        if (!path.IsEmpty)
            return LineCheck.Forged;
        if (batch is not null)
        {
            if (!batch.Has(start) || !node.SequenceEqual(batch.Node(start)))
                return LineCheck.Forged;
            Learn(batch);
            return FromCache(batch, chat, tags);
        }
        Span<byte> signed = stackalloc byte[SignedSize];
        WriteSigned(signed, chat.Id.Origin, seal.First, seal.Count, node);
        bool tagged = tags is not null && tags.Check(chat, signed);
        if (!tagged && !SignatureHolds(chat, signed))
            return LineCheck.Forged;
        // A typed line (a batch of one) taken on its tag is not cached: another copy costs the same leaf hash and one
        // MAC, about what a cache hit costs, and an entry for every typed line put fresh memory on each hop (fan-out to
        // 16 leaves: +60 µs at the last). Its replay checks the signature either way.
        if (tagged && seal.Count == 1)
            return LineCheck.Tagged;
        batch = Remember(id, seal.Header, tagged, start);
        Meet(start, node);
        Learn(batch);
        return tagged ? LineCheck.Tagged : LineCheck.Signed;
    }

    /// <summary>A line that leads to a cached batch's root is what the batch was found to be; but where the signature is
    /// required of a batch taken on its tag, the signature over the known root decides (and is remembered).</summary>
    private LineCheck FromCache(Batch batch, in ChatView chat, LineTags? tags)
    {
        if (!batch.Tagged)
            return LineCheck.Signed;
        if (tags is not null)
            return LineCheck.Tagged;
        Span<byte> signed = stackalloc byte[SignedSize];
        WriteSigned(signed, chat.Id.Origin, chat.Seal.First, chat.Seal.Count, batch.Node(batch.RootSlot));
        if (!SignatureHolds(chat, signed))
            return LineCheck.Forged;
        batch.Tagged = false;
        return LineCheck.Signed;
    }

    /// <summary>The line's key and epoch give its origin, and the signature over <paramref name="signed"/> holds.</summary>
    private bool SignatureHolds(in ChatView chat, ReadOnlySpan<byte> signed)
    {
        if (NodeKeys.Origin(chat.Seal.Key, chat.Seal.Epoch) != chat.Id.Origin)
            return false;
        SignaturesChecked++;
        return signatures.Verify(chat.Seal.Key, signed, chat.Seal.Signature);
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

    private Batch Remember((ulong Origin, ulong First) id, ReadOnlySpan<byte> header, bool tagged, int rootSlot)
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
        int room = (rootSlot + 1) * Protocol.TreeHashSize; // the root is the last slot of the tree
        if (batch.Nodes.Length < room)
            batch.Nodes = new byte[room];
        batch.Tagged = tagged;
        batch.RootSlot = rootSlot;
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
