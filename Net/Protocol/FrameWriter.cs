// Encodes frames into caller-owned spans (see FrameReader for the grammar). Returns the bytes written.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace P2PChat.Net;

internal static class FrameWriter
{
    public static int HelloSize(ReadOnlySpan<byte> name) =>
        Protocol.LengthPrefixSize + Protocol.HelloHeaderSize + name.Length + Protocol.SignatureSize;

    /// <summary>Writes a HELLO whose last SignatureSize bytes are left for the signature (NodeCore signs the body up to
    /// there, bound to the handshake).</summary>
    public static int WriteHello(Span<byte> destination, ReadOnlySpan<byte> key, ulong epoch, ushort listenPort, ReadOnlySpan<byte> name)
    {
        int size = HelloSize(name);
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)(size - Protocol.LengthPrefixSize));
        Span<byte> body = destination[Protocol.LengthPrefixSize..size];
        body[0] = (byte)FrameType.Hello;
        BinaryPrimitives.WriteUInt32BigEndian(body[1..], Protocol.Magic);
        body[5] = Protocol.Version;
        key.CopyTo(body[6..]);
        BinaryPrimitives.WriteUInt64BigEndian(body[38..], epoch);
        BinaryPrimitives.WriteUInt16BigEndian(body[46..], listenPort);
        body[48] = (byte)name.Length;
        name.CopyTo(body[Protocol.HelloHeaderSize..]);
        body[^Protocol.SignatureSize..].Clear();
        return size;
    }

    /// <summary>Largest PEERS frame: every entry an IPv6 address.</summary>
    public const int MaxPeersSize = Protocol.LengthPrefixSize + 2 + Protocol.MaxPeersPerFrame * (11 + 16);

    /// <summary>Writes up to Protocol.MaxPeersPerFrame of <paramref name="peers"/> as one PEERS frame.</summary>
    public static int WritePeers(Span<byte> destination, IEnumerable<(ulong Node, IPEndPoint EndPoint)> peers)
    {
        int at = PeersStart, count = 0;
        foreach ((ulong node, IPEndPoint endPoint) in peers)
        {
            if (count == Protocol.MaxPeersPerFrame)
                break;
            at = WritePeersEntry(destination, at, node, endPoint.Address, endPoint.Port);
            count++;
        }
        return FinishPeers(destination, at, count);
    }

    /// <summary>Where a PEERS frame's first entry goes (WritePeersEntry), after its length, type and count.</summary>
    public const int PeersStart = Protocol.LengthPrefixSize + 2;

    /// <summary>One entry of a PEERS frame at <paramref name="at"/> (an IPv4-mapped address as IPv4); returns where the
    /// next goes. Allocates nothing.</summary>
    public static int WritePeersEntry(Span<byte> destination, int at, ulong node, IPAddress address, int port)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination[at..], node);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(at + 8)..], (ushort)port);
        Span<byte> bytes = stackalloc byte[16];
        int written = WireAddress.WriteHost(address, bytes);
        destination[at + 10] = written == 4 ? (byte)4 : (byte)6;
        bytes[..written].CopyTo(destination[(at + 11)..]);
        return at + 11 + written;
    }

    /// <summary>Completes a PEERS frame of <paramref name="count"/> entries ending at <paramref name="at"/>; returns its
    /// size.</summary>
    public static int FinishPeers(Span<byte> destination, int at, int count)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)(at - Protocol.LengthPrefixSize));
        destination[Protocol.LengthPrefixSize] = (byte)FrameType.Peers;
        destination[Protocol.LengthPrefixSize + 1] = (byte)count;
        return at;
    }

    public static int SyncSize(int origins) => Protocol.LengthPrefixSize + 5 + origins * 16;

    public static int WriteSync(Span<byte> destination, int limit, IReadOnlyList<(ulong Origin, ulong Contiguous)> summary)
    {
        int size = SyncSize(summary.Count);
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)(size - Protocol.LengthPrefixSize));
        Span<byte> body = destination[Protocol.LengthPrefixSize..size];
        body[0] = (byte)FrameType.Sync;
        BinaryPrimitives.WriteUInt16BigEndian(body[1..], (ushort)limit);
        BinaryPrimitives.WriteUInt16BigEndian(body[3..], (ushort)summary.Count);
        for (int i = 0; i < summary.Count; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(body[(5 + i * 16)..], summary[i].Origin);
            BinaryPrimitives.WriteUInt64BigEndian(body[(13 + i * 16)..], summary[i].Contiguous);
        }
        return size;
    }

    public static int ChatSize(ReadOnlySpan<byte> name, ReadOnlySpan<byte> text, int pathBytes, int tagBytes = 0) =>
        Protocol.LengthPrefixSize + Protocol.ChatHeaderSize + name.Length + Protocol.SealFixedSize + pathBytes + 1 + tagBytes
        + text.Length;

    /// <summary>Writes a CHAT: the line, then its seal (<paramref name="sealHeader"/>: key, epoch, first, count and
    /// signature; then the path's length in hashes and the path), the number of per-reader tags and the tags
    /// (LineTags), then the text.</summary>
    public static int WriteChat(Span<byte> destination, MessageId id, long timeMs, ReadOnlySpan<byte> name, ReadOnlySpan<byte> text,
        ReadOnlySpan<byte> sealHeader, ReadOnlySpan<byte> path, ReadOnlySpan<byte> tags = default)
    {
        int size = ChatSize(name, text, path.Length, tags.Length);
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)(size - Protocol.LengthPrefixSize));
        Span<byte> body = destination[Protocol.LengthPrefixSize..size];
        body[0] = (byte)FrameType.Chat;
        BinaryPrimitives.WriteUInt64BigEndian(body[1..], id.Origin);
        BinaryPrimitives.WriteUInt64BigEndian(body[9..], id.Seq);
        BinaryPrimitives.WriteInt64BigEndian(body[17..], timeMs);
        body[25] = (byte)name.Length;
        int at = Protocol.ChatHeaderSize;
        name.CopyTo(body[at..]);
        at += name.Length;
        sealHeader.CopyTo(body[at..]);
        at += sealHeader.Length;
        body[at++] = (byte)(path.Length / Protocol.TreeHashSize);
        path.CopyTo(body[at..]);
        at += path.Length;
        body[at++] = (byte)(tags.Length / Protocol.LineTagSize);
        tags.CopyTo(body[at..]);
        at += tags.Length;
        text.CopyTo(body[at..]);
        return size;
    }

    /// <summary>Writes the part of a seal shared by a batch: key, epoch, first, count, signature.</summary>
    public static void WriteSealHeader(Span<byte> destination, ReadOnlySpan<byte> key, ulong epoch, ulong first, int count, ReadOnlySpan<byte> signature)
    {
        key.CopyTo(destination);
        BinaryPrimitives.WriteUInt64BigEndian(destination[32..], epoch);
        BinaryPrimitives.WriteUInt64BigEndian(destination[40..], first);
        destination[48] = (byte)count;
        signature.CopyTo(destination[49..]);
    }

    public const int SealHeaderSize = Protocol.SealFixedSize - 1;

    public const int SuspectSize = Protocol.LengthPrefixSize + Protocol.SuspectBodySize;

    /// <summary>Writes a SUSPECT whose last SignatureSize bytes are left for the signature (Presence signs it).</summary>
    public static void WriteSuspect(Span<byte> destination, ulong suspecter, ulong target, ulong counter, ReadOnlySpan<byte> key, ulong epoch)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, Protocol.SuspectBodySize);
        Span<byte> body = destination[Protocol.LengthPrefixSize..SuspectSize];
        body[0] = (byte)FrameType.Suspect;
        BinaryPrimitives.WriteUInt64BigEndian(body[1..], suspecter);
        BinaryPrimitives.WriteUInt64BigEndian(body[9..], target);
        BinaryPrimitives.WriteUInt64BigEndian(body[17..], counter);
        key.CopyTo(body[25..]);
        BinaryPrimitives.WriteUInt64BigEndian(body[(25 + Protocol.KeySize)..], epoch);
        body[^Protocol.SignatureSize..].Clear();
    }

    public static int PresenceSize(ReadOnlySpan<byte> name) =>
        Protocol.LengthPrefixSize + Protocol.PresenceHeaderSize + name.Length + Protocol.PresenceTrailerSize;

    /// <summary>Writes a PRESENCE whose last SignatureSize bytes are left for the signature (Presence signs it).</summary>
    public static int WritePresence(Span<byte> destination, PresenceKind kind, ulong origin, ulong counter, uint intervalMs, ulong lastSeq,
        ReadOnlySpan<byte> name, ReadOnlySpan<byte> key, ulong epoch, ReadOnlySpan<byte> box = default)
    {
        int size = PresenceSize(name);
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)(size - Protocol.LengthPrefixSize));
        Span<byte> body = destination[Protocol.LengthPrefixSize..size];
        body[0] = (byte)FrameType.Presence;
        body[1] = (byte)kind;
        BinaryPrimitives.WriteUInt64BigEndian(body[2..], origin);
        BinaryPrimitives.WriteUInt64BigEndian(body[10..], counter);
        BinaryPrimitives.WriteUInt32BigEndian(body[18..], intervalMs);
        BinaryPrimitives.WriteUInt64BigEndian(body[22..], lastSeq);
        body[30] = (byte)name.Length;
        int at = Protocol.PresenceHeaderSize;
        name.CopyTo(body[at..]);
        at += name.Length;
        key.CopyTo(body[at..]);
        BinaryPrimitives.WriteUInt64BigEndian(body[(at + Protocol.KeySize)..], epoch);
        Span<byte> boxField = body.Slice(at + Protocol.KeySize + 8, Protocol.KeySize);
        if (box.Length == Protocol.KeySize)
            box.CopyTo(boxField);
        else
            boxField.Clear();
        body[^Protocol.SignatureSize..].Clear();
        return size;
    }
}
