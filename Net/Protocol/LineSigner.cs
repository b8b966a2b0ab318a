// Our own lines, signed in batches: the lines said in one go (up to MaxBatchLines) wait here until the input that said
// them ends, then one Ed25519 signature covers the Merkle root of all of them (BatchTree) and each line's frame gets
// the signature and its own path. A user typing gets one signature per line; a pipe of a thousand lines gets one per
// 128. The extra latency is the signing itself (tens of microseconds), never a wait for more lines. The first line of
// each batch also carries the per-reader tags (LineTags).
using P2PChat.Net.Crypto;

namespace P2PChat.Net;

internal sealed class LineSigner(NodeKeys keys, SelfName self)
{
    private readonly Sha256Hasher _hasher = new();
    private readonly (MessageId Id, long TimeMs, int Offset, int Length)[] _lines = new (MessageId, long, int, int)[Protocol.MaxBatchLines];
    private readonly byte[] _levels = new byte[2 * Protocol.MaxBatchLines * Protocol.TreeHashSize];
    private readonly byte[] _sealHeader = new byte[FrameWriter.SealHeaderSize];
    private readonly byte[] _signed = new byte[LineVerifier.SignedSize]; // what the signature (and each tag) covers
    private Ed25519Presigner? _presigner;
    private readonly byte[] _head = new byte[Protocol.ChatHeaderSize - 1 + Protocol.MaxNameBytes];
    private byte[] _texts = new byte[1024];
    private int _textLength;

    public int Count { get; private set; }

    public bool IsFull => Count == Protocol.MaxBatchLines;

    /// <summary>Nonces made ahead of time for lines said alone (a typed line is then signed in microseconds, not the
    /// ~50 µs of a whole Ed25519 signature): made by the driver's NonceMaker, off the path of a line, at the first line
    /// said alone (not at startup).</summary>
    public Ed25519Presigner Presigner => _presigner ??= new Ed25519Presigner(keys.Identity, keys.Random);

    public void Add(MessageId id, long timeMs, ReadOnlySpan<byte> text)
    {
        if (_textLength + text.Length > _texts.Length)
            Array.Resize(ref _texts, Math.Max(_texts.Length * 2, _textLength + text.Length));
        text.CopyTo(_texts.AsSpan(_textLength));
        _lines[Count++] = (id, timeMs, _textLength, text.Length);
        _textLength += text.Length;
    }

    /// <summary>Signs the batch: afterwards WriteFrame gives each line's CHAT frame.</summary>
    public void Sign()
    {
        // Four leaves at a time while four lines in a row each make a one-block leaf message (a short line); any
        // other line alone.
        Span<byte> blocks = stackalloc byte[Sha256x4.Lanes * Sha256Block.Size];
        for (int i = 0; i < Count;)
        {
            if (Sha256x4.IsAccelerated && i + Sha256x4.Lanes <= Count && FitsOneBlock(i, Sha256x4.Lanes))
            {
                for (int lane = 0; lane < Sha256x4.Lanes; lane++)
                    Sha256x4.Pad(blocks.Slice(lane * Sha256Block.Size, Sha256Block.Size), [0], Head(i + lane), Text(i + lane));
                Sha256x4.HashPadded(blocks, _levels.AsSpan(i * Protocol.TreeHashSize, Sha256x4.Lanes * Protocol.TreeHashSize),
                    Protocol.TreeHashSize);
                i += Sha256x4.Lanes;
            }
            else
            {
                BatchTree.Leaf(_hasher, Head(i), Text(i), _levels.AsSpan(i * Protocol.TreeHashSize, Protocol.TreeHashSize));
                i++;
            }
        }
        ReadOnlySpan<byte> root = BatchTree.Build(_hasher, _levels, Count);
        ulong first = _lines[0].Id.Seq;
        LineVerifier.WriteSigned(_signed, keys.NodeId, first, Count, root);
        Span<byte> signature = stackalloc byte[Protocol.SignatureSize];
        if (Count > 1 || _presigner is not { Ready: > 0 } || !_presigner.TrySign(_signed, signature))
            Presigner.Sign(_signed, signature);
        FrameWriter.WriteSealHeader(_sealHeader, keys.Identity.Public, keys.Epoch, first, Count, signature);
    }

    /// <summary>The frame of line <paramref name="index"/> of the signed batch. Returns its size. The first line also
    /// gets <paramref name="tags"/>' per-reader tags over the batch, as many as the frame has room for: its readers then
    /// need not check the signature.</summary>
    public int WriteFrame(int index, Span<byte> destination, out MessageId id, LineTags? tags = null)
    {
        id = _lines[index].Id;
        Span<byte> path = stackalloc byte[Protocol.MaxTreeDepth * Protocol.TreeHashSize];
        int pathLength = BatchTree.WritePath(_levels, Count, index, path);
        Span<byte> tagBytes = stackalloc byte[Protocol.MaxLineTags * Protocol.LineTagSize];
        int tagLength = 0;
        if (tags is not null && index == 0)
        {
            int room = Protocol.MaxFrameSize - FrameWriter.ChatSize(self.Utf8, Text(index), pathLength);
            tagLength = tags.Write(id.Seq, _signed, tagBytes, room);
        }
        return FrameWriter.WriteChat(destination, id, _lines[index].TimeMs, self.Utf8, Text(index), _sealHeader, path[..pathLength],
            tagBytes[..tagLength]);
    }

    public void Clear()
    {
        Count = 0;
        _textLength = 0;
    }

    /// <summary>Whether lines first .. first + n - 1 each make a leaf message of one block.</summary>
    private bool FitsOneBlock(int first, int n)
    {
        for (int i = first; i < first + n; i++)
            if (1 + 25 + self.Utf8.Length + _lines[i].Length > Sha256x4.MaxOneBlockMessage) // leaf byte, Head(), text
                return false;
        return true;
    }

    private ReadOnlySpan<byte> Text(int index) => _texts.AsSpan(_lines[index].Offset, _lines[index].Length);

    /// <summary>origin, seq, time, nameLen, name: the head of the line as the wire has it.</summary>
    private ReadOnlySpan<byte> Head(int index)
    {
        var (id, timeMs, _, _) = _lines[index];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(_head, id.Origin);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(_head.AsSpan(8), id.Seq);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(_head.AsSpan(16), timeMs);
        _head[24] = (byte)self.Utf8.Length;
        self.Utf8.CopyTo(_head.AsSpan(25));
        return _head.AsSpan(0, 25 + self.Utf8.Length);
    }
}
