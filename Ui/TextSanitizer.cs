// Makes text from peers safe to show: every control character (C0, DEL, C1) is replaced by a visible form, so
// nothing a peer sends can move the cursor, change colours, set the title or end a line. The forms follow
// `cat -v`: ^[ for ESC, ^? for DEL, M-^[ for the C1 code U+009B.
using System.Text;

namespace P2PChat.Ui;

internal static class TextSanitizer
{
    /// <summary>Worst-case growth of a UTF-8 text: each C0 byte becomes 2 bytes (^X), each 2-byte C1 becomes 4 (M-^X).</summary>
    public const int MaxExpansion = 2;

    public static bool IsControl(Rune rune) => rune.Value < 0x20 || rune.Value is >= 0x7F and <= 0x9F;

    public static string Sanitize(string text)
    {
        bool clean = true;
        foreach (Rune rune in text.EnumerateRunes())
            clean &= !IsControl(rune);
        if (clean)
            return text;
        var builder = new StringBuilder(text.Length + 8);
        foreach (Rune rune in text.EnumerateRunes())
        {
            if (IsControl(rune))
                AppendVisible(builder, rune.Value);
            else
                builder.Append(rune.ToString());
        }
        return builder.ToString();
    }

    /// <summary>Copies valid UTF-8 from <paramref name="source"/> to <paramref name="destination"/> with controls made
    /// visible; destination needs MaxExpansion times the source length. Returns the bytes written.</summary>
    public static int Sanitize(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int written = 0;
        for (int i = 0; i < source.Length; i++)
        {
            byte b = source[i];
            if (b < 0x20 || b == 0x7F)
            {
                destination[written++] = (byte)'^';
                destination[written++] = (byte)(b ^ 0x40);
            }
            else if (b == 0xC2 && i + 1 < source.Length && source[i + 1] <= 0x9F)
            {
                // C1 controls are U+0080..U+009F, encoded C2 80..C2 9F. In valid UTF-8, C2 is always a lead byte.
                destination[written++] = (byte)'M';
                destination[written++] = (byte)'-';
                destination[written++] = (byte)'^';
                destination[written++] = (byte)((source[++i] - 0x80) ^ 0x40);
            }
            else
            {
                destination[written++] = b;
            }
        }
        return written;
    }

    private static void AppendVisible(StringBuilder builder, int code)
    {
        if (code >= 0x80)
        {
            builder.Append("M-");
            code -= 0x80;
        }
        builder.Append('^').Append((char)(code ^ 0x40));
    }
}
