// Makes text from peers safe to show: every control character (C0, DEL, C1) is replaced by a visible form, so
// nothing a peer sends can move the cursor, change colours, set the title or end a line. The forms follow
// `cat -v`: ^[ for ESC, ^? for DEL, M-^[ for the C1 code U+009B. Bidirectional controls and invisible characters
// are shown as their code (<U+202E>), so a peer can neither reorder the rest of a line nor hide text in it.
using System.Text;
using P2PChat.Net;

namespace P2PChat.Ui;

internal static class TextSanitizer
{
    /// <summary>Worst-case growth of a UTF-8 text: a C0 byte becomes 2 bytes (^X), a 2-byte C1 becomes 4 (M-^X), the
    /// 2-byte U+061C becomes the 8 bytes of &lt;U+061C&gt;; every other code shown as &lt;U+XXXX&gt; takes 3 bytes.</summary>
    public const int MaxExpansion = 4;

    private const int ZeroWidthNonJoiner = 0x200C;
    private const int ZeroWidthJoiner = 0x200D;

    public static bool IsControl(Rune rune) => rune.Value < 0x20 || rune.Value is >= 0x7F and <= 0x9F;

    /// <summary>Code points shown as &lt;U+XXXX&gt;: the bidirectional controls, and what draws nothing but could hide
    /// or split text: zero-width space, the word joiner and invisible operators, the BOM, the Mongolian vowel separator,
    /// the line and paragraph separators. The zero-width (non-)joiners are judged by their neighbours (KeepsJoiner).
    /// All are in the BMP and at least U+0600, so each is 2 or 3 bytes of UTF-8.</summary>
    public static bool ShowsAsCode(int codePoint) =>
        TextRules.IsBidiControl(codePoint) || codePoint is 0x180E or 0x200B or (>= 0x2060 and <= 0x2064) or 0x2028 or 0x2029 or 0xFEFF;

    /// <summary>U+200C/U+200D are part of emoji sequences (👨‍👩‍👧), Persian and Indic writing: kept between two non-ASCII
    /// characters, shown as a code anywhere else (inside a Latin word they only hide something).</summary>
    private static bool KeepsJoiner(bool previousNonAscii, bool nextNonAscii) => previousNonAscii && nextNonAscii;

    public static string Sanitize(string text)
    {
        if (IsClean(text))
            return text;
        var builder = new StringBuilder(text.Length + 16);
        bool previousNonAscii = false;
        for (int i = 0; i < text.Length;)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out Rune rune, out int used) != System.Buffers.OperationStatus.Done)
            {
                builder.Append('\uFFFD'); // a lone surrogate: replaced, as Rune enumeration did before
                i++;
                previousNonAscii = true;
                continue;
            }
            bool nextNonAscii = i + used < text.Length && text[i + used] >= 0x80;
            if (IsControl(rune))
                AppendVisible(builder, rune.Value);
            else if (ShowsAsCode(rune.Value) || (rune.Value is ZeroWidthNonJoiner or ZeroWidthJoiner && !KeepsJoiner(previousNonAscii, nextNonAscii)))
                builder.Append("<U+").Append(rune.Value.ToString("X4")).Append('>');
            else
                builder.Append(text, i, used);
            previousNonAscii = rune.Value >= 0x80 && !IsControl(rune) && !ShowsAsCode(rune.Value);
            i += used;
        }
        return builder.ToString();
    }

    private static bool IsClean(string text)
    {
        foreach (char c in text)
            if (c < 0x20 || c is >= (char)0x7F and <= (char)0x9F || c is >= (char)0x0600 && MayShowAsCode(c))
                return false;
        return true;
    }

    private static bool MayShowAsCode(int codePoint) => ShowsAsCode(codePoint) || codePoint is ZeroWidthNonJoiner or ZeroWidthJoiner;

    /// <summary>Copies valid UTF-8 from <paramref name="source"/> to <paramref name="destination"/> with controls made
    /// visible; destination needs MaxExpansion times the source length. Returns the bytes written.</summary>
    public static int Sanitize(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int written = 0;
        bool previousNonAscii = false;
        for (int i = 0; i < source.Length; i++)
        {
            byte b = source[i];
            if (b < 0x20 || b == 0x7F)
            {
                destination[written++] = (byte)'^';
                destination[written++] = (byte)(b ^ 0x40);
                previousNonAscii = false;
            }
            else if (b < 0x80)
            {
                destination[written++] = b;
                previousNonAscii = false;
            }
            else if (b == 0xC2 && i + 1 < source.Length && source[i + 1] <= 0x9F)
            {
                // C1 controls are U+0080..U+009F, encoded C2 80..C2 9F. In valid UTF-8, C2 is always a lead byte.
                destination[written++] = (byte)'M';
                destination[written++] = (byte)'-';
                destination[written++] = (byte)'^';
                destination[written++] = (byte)((source[++i] - 0x80) ^ 0x40);
                previousNonAscii = false;
            }
            else if (b is 0xD8 or 0xE1 or 0xE2 or 0xEF
                && Rune.DecodeFromUtf8(source[i..], out Rune rune, out int used) == System.Buffers.OperationStatus.Done
                && (ShowsAsCode(rune.Value)
                    || (rune.Value is ZeroWidthNonJoiner or ZeroWidthJoiner
                        && !KeepsJoiner(previousNonAscii, i + used < source.Length && source[i + used] >= 0x80))))
            {
                // Every code shown this way starts with one of these lead bytes: U+061C is D8 9C, U+180E is E1 A0 8E,
                // U+200B..U+2069 are E2 80 8B..E2 81 A9, U+FEFF is EF BB BF.
                written += WriteCode(rune.Value, destination[written..]);
                i += used - 1;
                previousNonAscii = false;
            }
            else
            {
                // A lead byte or a continuation byte of a character shown as it is.
                destination[written++] = b;
                previousNonAscii = true;
            }
        }
        return written;
    }

    /// <summary>Writes &lt;U+XXXX&gt; (8 bytes) for a BMP code point.</summary>
    private static int WriteCode(int codePoint, Span<byte> destination)
    {
        "<U+"u8.CopyTo(destination);
        for (int shift = 12, at = 3; shift >= 0; shift -= 4, at++)
            destination[at] = (byte)"0123456789ABCDEF"[(codePoint >> shift) & 0xF];
        destination[7] = (byte)'>';
        return 8;
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
