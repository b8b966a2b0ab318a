// Splits a byte stream into frames and parses frame bodies. Pure functions over spans: no socket, no allocation.
//
// Wire grammar (all integers big-endian; docs/PROTOCOL.md has the full text):
//   frame  = length:u32 body                     ; 1 <= length <= MaxFrameBody
//   body   = type:u8 payload
//   HELLO  = 0x01 magic:u32 version:u8 key:32 epoch:u64 listenPort:u16 nameLen:u8 name:nameLen sig:64
//   CHAT   = 0x02 origin:u64 seq:u64 timeMs:i64 nameLen:u8 name:nameLen seal tags text:rest
//   seal   = key:32 epoch:u64 first:u64 count:u8 sig:64 depth:u8 path:16*depth  ; first <= seq < first+count <= ..+128
//   tags   = tagCount:u8 (readerId:u32 tag:16)*tagCount   ; tagCount <= 16, on a batch's first line (LineTags)
//   PING   = 0x03
//   PEERS  = 0x04 count:u8 (node:u64 port:u16 family:u8 address:4|16)*count    ; count <= 32, family 4 or 6
//   SYNC   = 0x05 limit:u16 count:u16 (origin:u64 contiguous:u64)*count         ; count <= 256
//   REPLAY = 0x06 (the CHAT payload)
//   PRUNE  = 0x08 origin:u64
//   UNPRUNE = 0x09
//   PRESENCE = 0x07 kind:u8 origin:u64 counter:u64 intervalMs:u32 lastSeq:u64 nameLen:u8 name:nameLen key:32 epoch:u64 box:32 sig:64
//   SYNCED = 0x0a
//   CHAT_UNCHECKED = 0x0b (the CHAT payload)
//   HAVE   = 0x0c count:u8 (origin:u64 seq:u64)*count                          ; 1 <= count <= 32
//   SUSPECT = 0x0d suspecter:u64 target:u64 counter:u64 key:32 epoch:u64 sig:64
//   ROSTER = 0x0e count:u16 (member:u64 counter:u64)*count                      ; 1 <= count <= 1000
//   WANT   = 0x0f count:u16 member:u64*count                                    ; 1 <= count <= 1000
//   BUSY   = 0x10
// Frames travel inside encrypted records (SecureChannel); the signatures are checked by their owners (NodeCore for
// HELLO, LineVerifier for CHAT, Presence), this file checks only shapes and limits.
// A HELLO must be the first frame each way, and only the first. name is 1..32 bytes of UTF-8 without control
// characters; text is 1..MaxTextBytes of UTF-8. Anything else is a protocol error that closes that one peer.
using System.Buffers.Binary;

namespace P2PChat.Net;

internal static class FrameReader
{
    /// <summary>Looks for one frame at the start of <paramref name="buffer"/>. On Complete, <paramref name="body"/>
    /// is the frame body and <paramref name="consumed"/> the bytes it took including its length prefix.</summary>
    public static FrameStatus TryReadFrame(ReadOnlySpan<byte> buffer, out ReadOnlySpan<byte> body, out int consumed)
    {
        body = default;
        consumed = 0;
        if (buffer.Length < Protocol.LengthPrefixSize)
            return FrameStatus.Incomplete;

        // Check the declared length before waiting for (or buffering) the bytes it announces.
        uint length = BinaryPrimitives.ReadUInt32BigEndian(buffer);
        if (length == 0)
            return FrameStatus.Empty;
        if (length > Protocol.MaxFrameBody)
            return FrameStatus.TooLarge;
        int total = Protocol.LengthPrefixSize + (int)length;
        if (buffer.Length < total)
            return FrameStatus.Incomplete;

        body = buffer.Slice(Protocol.LengthPrefixSize, (int)length);
        consumed = total;
        return FrameStatus.Complete;
    }

    /// <summary>Parses a HELLO body. Returns null on success, else the reason the peer is refused.</summary>
    public static string? TryParseHello(ReadOnlySpan<byte> body, out HelloView hello)
    {
        hello = default;
        if (body.Length < 6 || body[0] != (byte)FrameType.Hello)
            return "malformed HELLO";
        if (BinaryPrimitives.ReadUInt32BigEndian(body[1..]) != Protocol.Magic)
            return "not a p2pchat peer (bad magic)";
        byte version = body[5];
        if (version != Protocol.Version)
            return $"unsupported protocol version {version} (this peer speaks {Protocol.Version})";
        if (body.Length < Protocol.HelloHeaderSize + Protocol.SignatureSize)
            return "malformed HELLO";
        ulong epoch = BinaryPrimitives.ReadUInt64BigEndian(body[38..]);
        ushort listenPort = BinaryPrimitives.ReadUInt16BigEndian(body[46..]);
        int nameLength = body[48];
        ReadOnlySpan<byte> name = body[Protocol.HelloHeaderSize..^Protocol.SignatureSize];
        if (name.Length != nameLength)
            return "malformed HELLO (name length)";
        if (!TextRules.IsValidName(name))
            return "invalid name in HELLO";
        hello = new HelloView(body.Slice(6, Protocol.KeySize), epoch, listenPort, name, body[..^Protocol.SignatureSize], body[^Protocol.SignatureSize..]);
        return null;
    }

    /// <summary>Parses a PEERS body into <paramref name="peers"/> (by value: nothing is allocated once the list has room).
    /// Returns null on success, else the reason.</summary>
    public static string? TryParsePeers(ReadOnlySpan<byte> body, List<(ulong Node, WireAddress Address)> peers)
    {
        if (body.Length < 2 || body[0] != (byte)FrameType.Peers)
            return "malformed PEERS";
        int count = body[1];
        if (count > Protocol.MaxPeersPerFrame)
            return "too many addresses in PEERS";
        ReadOnlySpan<byte> rest = body[2..];
        for (int i = 0; i < count; i++)
        {
            if (rest.Length < 11)
                return "malformed PEERS (truncated)";
            ulong node = BinaryPrimitives.ReadUInt64BigEndian(rest);
            ushort port = BinaryPrimitives.ReadUInt16BigEndian(rest[8..]);
            int size = rest[10] switch { 4 => 4, 6 => 16, _ => -1 };
            if (size < 0 || rest.Length < 11 + size)
                return "malformed PEERS (address)";
            peers.Add((node, new WireAddress(rest.Slice(11, size), port)));
            rest = rest[(11 + size)..];
        }
        return rest.IsEmpty ? null : "malformed PEERS (trailing bytes)";
    }

    /// <summary>Parses a SYNC body into <paramref name="summary"/> (origin -> contiguous). Null or the reason.</summary>
    public static string? TryParseSync(ReadOnlySpan<byte> body, Dictionary<ulong, ulong> summary, out int limit)
    {
        limit = 0;
        if (body.Length < 5 || body[0] != (byte)FrameType.Sync)
            return "malformed SYNC";
        limit = BinaryPrimitives.ReadUInt16BigEndian(body[1..]);
        int count = BinaryPrimitives.ReadUInt16BigEndian(body[3..]);
        if (count > Protocol.MaxSyncOrigins)
            return "too many origins in SYNC";
        if (body.Length != 5 + count * 16)
            return "malformed SYNC (length)";
        for (int i = 0; i < count; i++)
            summary[BinaryPrimitives.ReadUInt64BigEndian(body[(5 + i * 16)..])] = BinaryPrimitives.ReadUInt64BigEndian(body[(13 + i * 16)..]);
        return null;
    }

    /// <summary>Parses a CHAT (or REPLAY) body. Returns null on success, else the reason the peer is closed. The seal's
    /// shape is checked here (batch bounds, path length); whether it verifies is LineVerifier's job.</summary>
    public static string? TryParseChat(ReadOnlySpan<byte> body, out ChatView chat)
    {
        chat = default;
        if (body.Length < Protocol.ChatHeaderSize || body[0] is not ((byte)FrameType.Chat or (byte)FrameType.Replay or (byte)FrameType.ChatUnchecked))
            return "malformed CHAT";
        ulong origin = BinaryPrimitives.ReadUInt64BigEndian(body[1..]);
        ulong seq = BinaryPrimitives.ReadUInt64BigEndian(body[9..]);
        long time = BinaryPrimitives.ReadInt64BigEndian(body[17..]);
        int nameLength = body[25];
        int sealAt = Protocol.ChatHeaderSize + nameLength;
        if (body.Length < sealAt)
            return "malformed CHAT (name length)";
        if (body.Length < sealAt + Protocol.SealFixedSize)
            return "malformed CHAT (seal)";
        ReadOnlySpan<byte> name = body.Slice(Protocol.ChatHeaderSize, nameLength);
        ReadOnlySpan<byte> seal = body[sealAt..];
        ulong epoch = BinaryPrimitives.ReadUInt64BigEndian(seal[32..]);
        ulong first = BinaryPrimitives.ReadUInt64BigEndian(seal[40..]);
        int count = seal[48];
        int depth = seal[Protocol.SealFixedSize - 1];
        if (seq == 0)
            return "malformed CHAT (sequence 0)";
        if (count is 0 or > Protocol.MaxBatchLines || first == 0 || seq < first || seq - first >= (ulong)count)
            return "malformed CHAT (batch)";
        if (depth != BatchTree.PathLength(count, (int)(seq - first)))
            return "malformed CHAT (path length)";
        int tagsAt = Protocol.SealFixedSize + depth * Protocol.TreeHashSize;
        if (seal.Length <= tagsAt)
            return "malformed CHAT (path)";
        int tagCount = seal[tagsAt++];
        if (tagCount > Protocol.MaxLineTags)
            return "malformed CHAT (too many tags)";
        int textAt = tagsAt + tagCount * Protocol.LineTagSize;
        if (seal.Length < textAt)
            return "malformed CHAT (tags)";
        ReadOnlySpan<byte> text = seal[textAt..];
        if (!TextRules.IsValidName(name))
            return "invalid sender name in CHAT";
        if (!TextRules.IsValidText(text))
            return text.Length == 0 ? "empty CHAT text" : "CHAT text is not valid UTF-8 or too long";
        var sealView = new SealView(seal[..Protocol.KeySize], epoch, first, count, seal.Slice(49, Protocol.SignatureSize),
            seal.Slice(Protocol.SealFixedSize, depth * Protocol.TreeHashSize), seal[..(Protocol.SealFixedSize - 1)]);
        chat = new ChatView(new MessageId(origin, seq), time, name, text, history: body[0] == (byte)FrameType.Replay)
        {
            Key = sealView.Key,
            Head = body[1..sealAt],
            Seal = sealView,
            Tags = seal[tagsAt..textAt],
        };
        return null;
    }

    /// <summary>Parses a PRESENCE body. Returns null on success, else the reason the peer is closed.</summary>
    /// <summary>A SUSPECT: its shape only (Presence checks the signature, and whether it is news, first).</summary>
    public static string? TryParseSuspect(ReadOnlySpan<byte> body, out SuspectView suspect)
    {
        suspect = default;
        if (body.Length != Protocol.SuspectBodySize || body[0] != (byte)FrameType.Suspect)
            return "malformed SUSPECT";
        ulong suspecter = BinaryPrimitives.ReadUInt64BigEndian(body[1..]);
        ulong target = BinaryPrimitives.ReadUInt64BigEndian(body[9..]);
        ulong counter = BinaryPrimitives.ReadUInt64BigEndian(body[17..]);
        if (suspecter == 0 || target == 0 || counter == 0 || suspecter == target)
            return "malformed SUSPECT (zero id or counter, or a member suspecting itself)";
        ReadOnlySpan<byte> trailer = body[25..];
        suspect = new SuspectView(suspecter, target, counter)
        {
            Key = trailer[..Protocol.KeySize],
            Epoch = BinaryPrimitives.ReadUInt64BigEndian(trailer[Protocol.KeySize..]),
            Signed = body[..^Protocol.SignatureSize],
            Signature = body[^Protocol.SignatureSize..],
        };
        return null;
    }

    public static string? TryParsePresence(ReadOnlySpan<byte> body, out PresenceView presence)
    {
        presence = default;
        if (body.Length < Protocol.PresenceHeaderSize + Protocol.PresenceTrailerSize || body[0] != (byte)FrameType.Presence)
            return "malformed PRESENCE";
        var kind = (PresenceKind)body[1];
        if (kind is not (PresenceKind.Alive or PresenceKind.Present or PresenceKind.Bye))
            return $"unknown PRESENCE kind {body[1]}";
        ulong origin = BinaryPrimitives.ReadUInt64BigEndian(body[2..]);
        ulong counter = BinaryPrimitives.ReadUInt64BigEndian(body[10..]);
        uint interval = BinaryPrimitives.ReadUInt32BigEndian(body[18..]);
        ulong lastSeq = BinaryPrimitives.ReadUInt64BigEndian(body[22..]);
        int nameLength = body[30];
        ReadOnlySpan<byte> name = body[Protocol.PresenceHeaderSize..^Protocol.PresenceTrailerSize];
        ReadOnlySpan<byte> trailer = body[^Protocol.PresenceTrailerSize..];
        if (origin == 0 || counter == 0)
            return "malformed PRESENCE (zero origin or counter)";
        if (interval is < Protocol.MinPresenceIntervalMs or > Protocol.MaxPresenceIntervalMs)
            return "PRESENCE interval out of range";
        if (name.Length != nameLength)
            return "malformed PRESENCE (name length)";
        if (!TextRules.IsValidName(name))
            return "invalid name in PRESENCE";
        presence = new PresenceView(kind, origin, counter, interval, lastSeq, name)
        {
            Key = trailer[..Protocol.KeySize],
            Epoch = BinaryPrimitives.ReadUInt64BigEndian(trailer[Protocol.KeySize..]),
            Box = trailer.Slice(Protocol.KeySize + 8, Protocol.KeySize),
            Signed = body[..^Protocol.SignatureSize],
            Signature = trailer[^Protocol.SignatureSize..],
        };
        return null;
    }
}
