// Encodes frames into caller-owned spans (see FrameReader for the grammar). Returns the bytes written.
using System.Buffers.Binary;

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
}
