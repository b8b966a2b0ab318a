// Checks that a line was said by the key it names, before it is shown, logged or passed on: the key and epoch must
// give the line's origin, and the line's Merkle path (BatchTree) must lead to a root its author signed. One Ed25519
// verification per batch, not per line: a batch once verified is cached by (origin, first), and the next line of it
// (or another copy of the same line) costs its leaf and path hashes and a comparison of the seal's bytes with the
// cached one, so a line accepted from the cache has exactly the bytes a fresh check would accept (a relay never
// passes on a line its neighbour would refuse). Bounded: the oldest batch is forgotten first.
using System.Buffers.Binary;
using P2PChat.Net.Crypto;

namespace P2PChat.Net;

internal sealed class LineVerifier(SignatureMemo signatures, int capacity = LineVerifier.DefaultCapacity)
{
    public const int DefaultCapacity = 1024;

    private static ReadOnlySpan<byte> Label => "p2pchat batch 2"u8;

    /// <summary>What a signature covers: label, origin, first, count, root.</summary>
    public const int SignedSize = 15 + 8 + 8 + 1 + Protocol.TreeHashSize;

    private sealed class Batch
    {
        public readonly byte[] Header = new byte[Protocol.SealFixedSize - 1];
        public readonly byte[] Root = new byte[Protocol.TreeHashSize];
        public (ulong Origin, ulong First) Id;
    }

    private readonly Sha256Hasher _hasher = new();
    private readonly Dictionary<(ulong Origin, ulong First), Batch> _batches = [];
    private readonly Queue<Batch> _age = new();

    /// <summary>Signatures checked (cache misses).</summary>
    public long SignaturesChecked { get; private set; }

    /// <summary>Lines refused: wrong key for the origin, a path to nowhere, or a signature that does not verify.</summary>
    public long Forged { get; private set; }

    public bool Verify(in ChatView chat)
    {
        if (Check(chat))
            return true;
        Forged++;
        return false;
    }

    private bool Check(in ChatView chat)
    {
        SealView seal = chat.Seal;
        Span<byte> root = stackalloc byte[Protocol.TreeHashSize];
        BatchTree.Leaf(_hasher, chat.Head, chat.Text, root);
        if (!BatchTree.Root(_hasher, root, (int)(chat.Id.Seq - seal.First), seal.Count, seal.Path))
            return false;
        var id = (chat.Id.Origin, seal.First);
        if (_batches.TryGetValue(id, out Batch? known) && seal.Header.SequenceEqual(known.Header) && root.SequenceEqual(known.Root))
            return true;
        if (NodeKeys.Origin(seal.Key, seal.Epoch) != chat.Id.Origin)
            return false;
        Span<byte> signed = stackalloc byte[SignedSize];
        WriteSigned(signed, chat.Id.Origin, seal.First, seal.Count, root);
        SignaturesChecked++;
        if (!signatures.Verify(seal.Key, signed, seal.Signature))
            return false;
        Remember(id, seal.Header, root);
        return true;
    }

    private void Remember((ulong Origin, ulong First) id, ReadOnlySpan<byte> header, ReadOnlySpan<byte> root)
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
        root.CopyTo(batch.Root);
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
