// Target 1: the frame decoder and the body parsers (FrameReader) on random bodies and on valid frames mutated. No
// exception; TryReadFrame agrees with a reference model (a Complete frame is exactly its declared length and never
// longer than the buffer; Incomplete consumes nothing), gives the same frames whatever the read boundaries; each
// parser that accepts a body returns views that add up to that body and satisfy the documented limits; every frame
// the writers and signers produce parses.
using System.Buffers.Binary;
using System.Net;
using P2PChat.Net;

namespace P2PChat.Tests.Fuzz;

internal static class FrameFuzz
{
    // Signed lines made once (signing is the dear part): batches of 1, 2, 3, 7 and 32 lines.
    private static readonly Lazy<byte[][]> Lines = new(() =>
    {
        var r = new Random(12345);
        NodeKeys author = FuzzKeys.For(1, r);
        var lines = new List<byte[]>();
        ulong seq = 1;
        foreach (int count in new[] { 1, 2, 3, 7, 32 })
        {
            lines.AddRange(FrameGen.Batch(r, author, "ann", seq, count, replay: count == 3));
            seq += (ulong)count;
        }
        return [.. lines];
    });

    public static void Run(int seed)
    {
        var r = new Random(seed);
        int frames = 1 + r.Next(4);
        var stream = new List<byte>();
        for (int i = 0; i < frames; i++)
        {
            byte[] frame = Generate(r, out bool valid);
            if (valid)
                CheckBody(frame.AsSpan(Protocol.LengthPrefixSize), mustParse: true);
            if (!valid || r.Next(4) > 0)
                frame = r.Next(8) == 0 ? Mutator.Mutate(r, frame, 12, Generate(r, out _)) : Mutator.Mutate(r, frame, 3, Generate(r, out _));
            CheckFrame(frame);
            if (frame.Length >= Protocol.LengthPrefixSize)
                CheckBody(frame.AsSpan(Protocol.LengthPrefixSize), mustParse: false);
            stream.AddRange(frame);
        }
        CheckSplits(r, [.. stream]);
    }

    private static byte[] Generate(Random r, out bool valid)
    {
        valid = true;
        switch (r.Next(12))
        {
            case 0: return FrameGen.Hello(r);
            case 1 or 2: return Lines.Value[r.Next(Lines.Value.Length)];
            case 3: return FrameGen.Presence(r, null, (PresenceKind)(1 + r.Next(3)), 1 + (ulong)r.Next(1000), (uint)r.Next(100, 600_001), (ulong)r.Next(50));
            case 4: return FrameGen.Sync(r, [1, 2, 3]);
            case 5: return FrameGen.Peers(r, 1);
            case 6: return FrameGen.Prune((ulong)r.NextInt64());
            case 7: return FrameGen.Small((FrameType)(new[] { 3, 9, 10 })[r.Next(3)]);
            case 8: valid = false; return FrameGen.Garbage(r);
            default: valid = false; return FrameGen.RandomBytes(r, r.Next(r.Next(10) == 0 ? 20_000 : 80));
        }
    }

    /// <summary>TryReadFrame against the model: the u32 prefix decides everything.</summary>
    private static void CheckFrame(ReadOnlySpan<byte> buffer)
    {
        FrameStatus status = FrameReader.TryReadFrame(buffer, out ReadOnlySpan<byte> body, out int consumed);
        FrameStatus expected;
        if (buffer.Length < 4)
            expected = FrameStatus.Incomplete;
        else
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(buffer);
            expected = length == 0 ? FrameStatus.Empty
                : length > Protocol.MaxFrameBody ? FrameStatus.TooLarge
                : buffer.Length < 4 + (long)length ? FrameStatus.Incomplete
                : FrameStatus.Complete;
        }
        PropertyViolation.Unless(status == expected, $"TryReadFrame said {status}, the model {expected} ({buffer.Length} bytes)");
        if (status == FrameStatus.Complete)
        {
            PropertyViolation.Unless(consumed == 4 + body.Length && consumed <= buffer.Length && body.Length >= 1 && body.Length <= Protocol.MaxFrameBody,
                $"a Complete frame of {body.Length} bytes consumed {consumed} of {buffer.Length}");
            PropertyViolation.Unless(body.SequenceEqual(buffer[4..consumed]), "a Complete body is not the bytes after the prefix");
        }
        else
        {
            PropertyViolation.Unless(consumed == 0 && body.IsEmpty, $"{status} consumed {consumed} bytes");
        }
    }

    /// <summary>Every parser on every body: whatever it accepts must add up.</summary>
    private static void CheckBody(ReadOnlySpan<byte> body, bool mustParse)
    {
        if (body.IsEmpty)
            return;
        var type = (FrameType)body[0];
        string? hello = FrameReader.TryParseHello(body, out HelloView h);
        if (hello is null)
        {
            PropertyViolation.Unless(type == FrameType.Hello && h.Key.Length == Protocol.KeySize && h.Name.Length == body[48]
                && TextRules.IsValidName(h.Name) && h.Signed.Length + h.Signature.Length == body.Length && h.Signature.Length == Protocol.SignatureSize,
                "an accepted HELLO does not add up");
        }
        string? chat = FrameReader.TryParseChat(body, out ChatView c);
        if (chat is null)
        {
            int depth = c.Seal.Path.Length / Protocol.TreeHashSize;
            PropertyViolation.Unless(type is FrameType.Chat or FrameType.Replay or FrameType.ChatUnchecked && c.History == (type == FrameType.Replay)
                && TextRules.IsValidName(c.Name) && TextRules.IsValidText(c.Text) && c.Id.Seq > 0
                && c.Seal.Count is >= 1 and <= Protocol.MaxBatchLines && c.Seal.First > 0 && c.Id.Seq >= c.Seal.First
                && c.Id.Seq - c.Seal.First < (ulong)c.Seal.Count && depth == BatchTree.PathLength(c.Seal.Count, (int)(c.Id.Seq - c.Seal.First))
                && depth <= Protocol.MaxTreeDepth && c.Head.Length == Protocol.ChatHeaderSize - 1 + c.Name.Length
                && c.Tags.Length % Protocol.LineTagSize == 0 && c.Tags.Length <= Protocol.MaxLineTags * Protocol.LineTagSize
                && 1 + c.Head.Length + Protocol.SealFixedSize + c.Seal.Path.Length + 1 + c.Tags.Length + c.Text.Length == body.Length,
                "an accepted CHAT does not add up");
        }
        string? presence = FrameReader.TryParsePresence(body, out PresenceView p);
        if (presence is null)
        {
            PropertyViolation.Unless(type == FrameType.Presence && p.Origin != 0 && p.Counter != 0
                && p.IntervalMs is >= Protocol.MinPresenceIntervalMs and <= Protocol.MaxPresenceIntervalMs && TextRules.IsValidName(p.Name)
                && p.Signed.Length + p.Signature.Length == body.Length && p.Key.Length == Protocol.KeySize
                && Protocol.PresenceHeaderSize + p.Name.Length + Protocol.PresenceTrailerSize == body.Length,
                "an accepted PRESENCE does not add up");
        }
        var summary = new Dictionary<ulong, ulong>();
        string? sync = FrameReader.TryParseSync(body, summary, out _);
        if (sync is null)
        {
            int count = BinaryPrimitives.ReadUInt16BigEndian(body[3..]);
            PropertyViolation.Unless(type == FrameType.Sync && count <= Protocol.MaxSyncOrigins && body.Length == 5 + 16 * count && summary.Count <= count,
                "an accepted SYNC does not add up");
        }
        var peers = new List<(ulong, WireAddress)>();
        string? peersError = FrameReader.TryParsePeers(body, peers);
        PropertyViolation.Unless(peers.Count <= Protocol.MaxPeersPerFrame, $"PEERS gave {peers.Count} addresses");
        if (peersError is null)
            PropertyViolation.Unless(type == FrameType.Peers && peers.Count == body[1], "an accepted PEERS does not add up");
        if (mustParse)
        {
            string? error = type switch
            {
                FrameType.Hello => hello,
                FrameType.Chat or FrameType.Replay => chat,
                FrameType.Presence => presence,
                FrameType.Sync => sync,
                FrameType.Peers => peersError,
                _ => null,
            };
            PropertyViolation.Unless(error is null, () => $"a {type} frame as the writers make it was refused: {error}");
        }
    }

    /// <summary>Reading a stream in random pieces (keeping the unread tail, as a driver does) gives the same frames as
    /// reading it whole, and never keeps more than one frame's worth unread.</summary>
    private static void CheckSplits(Random r, byte[] stream)
    {
        List<(FrameStatus, int)> whole = ReadAll(stream, [stream.Length]);
        List<(FrameStatus, int)> pieces = ReadAll(stream, Mutator.Splits(r, stream.Length));
        PropertyViolation.Unless(whole.SequenceEqual(pieces),
            () => $"frames read whole ({string.Join(",", whole)}) differ from frames read in pieces ({string.Join(",", pieces)})");
    }

    private static List<(FrameStatus, int)> ReadAll(byte[] stream, List<int> cuts)
    {
        var frames = new List<(FrameStatus, int)>();
        var buffer = new byte[stream.Length];
        int length = 0, at = 0;
        foreach (int cut in cuts)
        {
            stream.AsSpan(at, cut).CopyTo(buffer.AsSpan(length));
            length += cut;
            at += cut;
            while (true)
            {
                FrameStatus status = FrameReader.TryReadFrame(buffer.AsSpan(0, length), out ReadOnlySpan<byte> body, out int used);
                if (status == FrameStatus.Incomplete)
                    break;
                frames.Add((status, body.Length));
                if (status != FrameStatus.Complete)
                    return frames; // a driver closes the peer here
                buffer.AsSpan(used, length - used).CopyTo(buffer);
                length -= used;
            }
            PropertyViolation.Unless(length < Protocol.MaxFrameSize, $"{length} bytes kept unread");
        }
        return frames;
    }
}
