// The texts the harness says and recognises. Measured messages are "m SEQ", warm-up messages "w SEQ"; a peer
// prints them as "NAME: m SEQ". Pure functions over bytes, so the reader thread allocates nothing per line.
using System.Buffers.Text;

namespace P2PChat.Bench;

internal static class MessageText
{
    public const byte Measured = (byte)'m';
    public const byte WarmUp = (byte)'w';

    /// <summary>Longest line Write produces: kind, space, an int, newline.</summary>
    public const int MaxLineBytes = 2 + 11 + 1;

    /// <summary>Writes "K SEQ\n" into destination; returns the bytes written.</summary>
    public static int Write(Span<byte> destination, byte kind, int seq)
    {
        destination[0] = kind;
        destination[1] = (byte)' ';
        Utf8Formatter.TryFormat(seq, destination[2..], out int digits);
        destination[2 + digits] = (byte)'\n';
        return digits + 3;
    }

    public static byte[] Line(byte kind, int seq)
    {
        Span<byte> line = stackalloc byte[MaxLineBytes];
        return line[..Write(line, kind, seq)].ToArray();
    }

    /// <summary>All measured lines 0..count-1 back to back: what the throughput run pours into stdin.</summary>
    public static byte[] Burst(int count)
    {
        byte[] bytes = new byte[count * MaxLineBytes];
        int length = 0;
        for (int seq = 0; seq < count; seq++)
            length += Write(bytes.AsSpan(length), Measured, seq);
        return bytes[..length];
    }

    /// <summary>Parses a printed line "NAME: K SEQ". False for anything else (joins, history of others, noise).</summary>
    public static bool TryParse(ReadOnlySpan<byte> line, out byte kind, out int seq)
    {
        kind = 0;
        seq = -1;
        int colon = line.IndexOf(": "u8);
        if (colon < 0)
            return false;
        ReadOnlySpan<byte> text = line[(colon + 2)..];
        if (text.Length < 3 || text[1] != (byte)' ' || (text[0] != Measured && text[0] != WarmUp))
            return false;
        if (!Utf8Parser.TryParse(text[2..], out seq, out int consumed) || consumed != text.Length - 2 || seq < 0)
            return false;
        kind = text[0];
        return true;
    }
}
