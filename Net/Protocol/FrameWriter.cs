// Encodes frames into caller-owned spans (see FrameReader for the grammar). Returns the bytes written.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace P2PChat.Net;

internal static class FrameWriter
{
    public static int HelloSize(ReadOnlySpan<byte> name) => Protocol.LengthPrefixSize + Protocol.HelloHeaderSize + name.Length;

    public static int ChatSize(ReadOnlySpan<byte> name, ReadOnlySpan<byte> text) =>
        Protocol.LengthPrefixSize + Protocol.ChatHeaderSize + name.Length + text.Length;

    public static int WriteHello(Span<byte> destination, ulong node, ushort listenPort, ReadOnlySpan<byte> name)
    {
        int size = HelloSize(name);
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)(size - Protocol.LengthPrefixSize));
        Span<byte> body = destination[Protocol.LengthPrefixSize..size];
        body[0] = (byte)FrameType.Hello;
        BinaryPrimitives.WriteUInt32BigEndian(body[1..], Protocol.Magic);
        body[5] = Protocol.Version;
        BinaryPrimitives.WriteUInt64BigEndian(body[6..], node);
        BinaryPrimitives.WriteUInt16BigEndian(body[14..], listenPort);
        body[16] = (byte)name.Length;
        name.CopyTo(body[Protocol.HelloHeaderSize..]);
        return size;
    }

    /// <summary>Largest PEERS frame: every entry an IPv6 address.</summary>
    public const int MaxPeersSize = Protocol.LengthPrefixSize + 2 + Protocol.MaxPeersPerFrame * (11 + 16);

    /// <summary>Writes up to Protocol.MaxPeersPerFrame of <paramref name="peers"/> as one PEERS frame.</summary>
    public static int WritePeers(Span<byte> destination, IEnumerable<(ulong Node, IPEndPoint EndPoint)> peers)
    {
        int at = Protocol.LengthPrefixSize + 2;
        int count = 0;
        foreach ((ulong node, IPEndPoint endPoint) in peers)
        {
            if (count == Protocol.MaxPeersPerFrame)
                break;
            IPAddress address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
            BinaryPrimitives.WriteUInt64BigEndian(destination[at..], node);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(at + 8)..], (ushort)endPoint.Port);
            bool v4 = address.AddressFamily == AddressFamily.InterNetwork;
            destination[at + 10] = v4 ? (byte)4 : (byte)6;
            address.TryWriteBytes(destination[(at + 11)..], out int written);
            at += 11 + written;
            count++;
        }
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

    public static int WriteChat(Span<byte> destination, MessageId id, long timeMs, ReadOnlySpan<byte> name, ReadOnlySpan<byte> text)
    {
        int size = ChatSize(name, text);
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)(size - Protocol.LengthPrefixSize));
        Span<byte> body = destination[Protocol.LengthPrefixSize..size];
        body[0] = (byte)FrameType.Chat;
        BinaryPrimitives.WriteUInt64BigEndian(body[1..], id.Origin);
        BinaryPrimitives.WriteUInt64BigEndian(body[9..], id.Seq);
        BinaryPrimitives.WriteInt64BigEndian(body[17..], timeMs);
        body[25] = (byte)name.Length;
        name.CopyTo(body[Protocol.ChatHeaderSize..]);
        text.CopyTo(body[(Protocol.ChatHeaderSize + name.Length)..]);
        return size;
    }

    public static int PresenceSize(ReadOnlySpan<byte> name) => Protocol.LengthPrefixSize + Protocol.PresenceHeaderSize + name.Length;

    public static int WritePresence(Span<byte> destination, PresenceKind kind, ulong origin, ulong counter, uint intervalMs, ulong lastSeq, ReadOnlySpan<byte> name)
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
        name.CopyTo(body[Protocol.PresenceHeaderSize..]);
        return size;
    }
}
