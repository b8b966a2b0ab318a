// --json output as UTF-8 a person can read, and safe to print: System.Text.Json's encoders escape every character
// outside the basic plane (an emoji comes out as \uD83D\uDE42) and the HTML-sensitive ones (< > & ' + `), whatever
// ranges they are given, yet let bidi controls and zero-width characters through raw; a custom encoder needs unsafe
// code, which this project does not build. So the serialiser's output is rewritten: an escape \uXXXX (or a surrogate
// pair of them) becomes the character itself, and a raw character becomes an escape, exactly when it is one that must
// not stand as itself, for JSON or for a terminal: C0, DEL and C1 controls, '"' and '\', format characters (bidi
// controls, zero-width characters), line and paragraph separators, private-use, unassigned code points and lone
// surrogates. Other escapes (\n, \\) are copied as they are. The result parses to the same value.
using System.Globalization;
using System.Text;

namespace P2PChat.Ui;

internal static class JsonEscapes
{
    private const int EscapeLength = 6; // \uXXXX

    /// <summary>Room the rewrite of <paramref name="length"/> bytes may need: a 3-byte character becomes a 6-byte
    /// escape, a 4-byte one two of them.</summary>
    public static int MaxOutput(int length) => 3 * length;

    /// <summary>Rewrites <paramref name="json"/> (valid JSON, as System.Text.Json writes it) into
    /// <paramref name="output"/> (MaxOutput bytes); returns the bytes written.</summary>
    public static int Rewrite(ReadOnlySpan<byte> json, Span<byte> output)
    {
        int read = 0, write = 0;
        Span<char> units = stackalloc char[2];
        while (read < json.Length)
        {
            if (json[read] == (byte)'\\')
            {
                int length = Math.Min(2, json.Length - read); // \n, \\, \" and the like, and any \u escape that stays
                if (length == 2 && json[read + 1] == (byte)'u' && TryUnit(json, read + 2, out int unit))
                {
                    length = EscapeLength;
                    int scalar = -1;
                    if (char.IsHighSurrogate((char)unit) && TryUnit(json, read + EscapeLength + 2, out int low)
                        && json[read + EscapeLength] == (byte)'\\' && json[read + EscapeLength + 1] == (byte)'u' && char.IsLowSurrogate((char)low))
                    {
                        scalar = char.ConvertToUtf32((char)unit, (char)low);
                        length = 2 * EscapeLength;
                    }
                    else if (!char.IsSurrogate((char)unit))
                    {
                        scalar = unit;
                    }
                    if (scalar >= 0 && Readable(scalar))
                    {
                        write += new Rune(scalar).EncodeToUtf8(output[write..]);
                        read += length;
                        continue;
                    }
                }
                json.Slice(read, length).CopyTo(output[write..]);
                read += length;
                write += length;
                continue;
            }
            Rune.DecodeFromUtf8(json[read..], out Rune rune, out int consumed);
            if (rune.Value < 0x80 || Readable(rune.Value))
            {
                json.Slice(read, consumed).CopyTo(output[write..]);
                write += consumed;
            }
            else
            {
                int count = rune.EncodeToUtf16(units);
                for (int i = 0; i < count; i++)
                    write += Escape(units[i], output[write..]);
            }
            read += consumed;
        }
        return write;
    }

    private static int Escape(char unit, Span<byte> output)
    {
        const string Hex = "0123456789ABCDEF";
        output[0] = (byte)'\\';
        output[1] = (byte)'u';
        for (int i = 0; i < 4; i++)
            output[2 + i] = (byte)Hex[(unit >> (12 - 4 * i)) & 15];
        return EscapeLength;
    }

    /// <summary>Whether <paramref name="scalar"/> may stand as itself in a JSON string written to a terminal.</summary>
    private static bool Readable(int scalar)
    {
        if (scalar is '"' or '\\')
            return false;
        // Control is C0, DEL and C1.
        return Rune.GetUnicodeCategory(new Rune(scalar)) is not (UnicodeCategory.Format or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Control or UnicodeCategory.OtherNotAssigned
            or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate);
    }

    private static bool TryUnit(ReadOnlySpan<byte> json, int at, out int unit)
    {
        unit = 0;
        if (at + 4 > json.Length)
            return false;
        for (int i = at; i < at + 4; i++)
        {
            int digit = json[i] switch
            {
                >= (byte)'0' and <= (byte)'9' => json[i] - '0',
                >= (byte)'a' and <= (byte)'f' => json[i] - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => json[i] - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
                return false;
            unit = unit * 16 + digit;
        }
        return true;
    }
}
