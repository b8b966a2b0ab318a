// One object of --json output, written by hand: string, number and boolean fields in the order they are given, null
// ones left out. Not System.Text.Json: for one flat object its serialiser and encoders were 335 KB of the binary (4.81
// -> 4.48 MB) and 0.4 MiB of every peer's resident memory, json or not, and its encoders escape what a person wants to
// read (every emoji, < & + ') yet let through raw what a terminal must not get (bidi controls, zero-width characters).
// Here a character stands as itself unless a terminal or a JSON parser must not see it raw: C0, DEL and C1 controls,
// '"' and '\', format characters, line and paragraph separators, private-use and unassigned code points, which become
// \uXXXX escapes (\n, \t, \r, \b, \f and \\ in their short forms). A value parses back to the string it was, with any
// lone surrogate as U+FFFD (peer text arrives as UTF-8, which has none).
using System.Globalization;
using System.Text;

namespace P2PChat.Ui;

internal ref struct JsonLine
{
    /// <summary>Most bytes the object takes besides its strings' values: field names, quotes, commas, braces, the
    /// newline, up to 20 fields of 20-digit numbers or booleans.</summary>
    public const int MaxFrame = 1024;

    private const int EscapeLength = 6; // \uXXXX

    private readonly Span<byte> _output;
    private int _length;
    private bool _fields;

    /// <param name="output">Room for MaxFrame plus MaxString of every string value.</param>
    public JsonLine(Span<byte> output)
    {
        _output = output;
        _output[0] = (byte)'{';
        _length = 1;
    }

    /// <summary>Most bytes <paramref name="value"/> takes quoted: every UTF-16 unit as a six-byte escape.</summary>
    public static int MaxString(string? value) => value is null ? 0 : 2 + EscapeLength * value.Length;

    public void String(ReadOnlySpan<byte> name, string? value)
    {
        if (value is null)
            return;
        Name(name);
        Put((byte)'"');
        ReadOnlySpan<char> rest = value;
        while (!rest.IsEmpty)
        {
            // An unpaired surrogate decodes as U+FFFD (ReplacementChar), written as itself.
            Rune.DecodeFromUtf16(rest, out Rune rune, out int consumed);
            rest = rest[consumed..];
            Character(rune);
        }
        Put((byte)'"');
    }

    public void Number(ReadOnlySpan<byte> name, ulong? value)
    {
        if (value is not { } number)
            return;
        Name(name);
        number.TryFormat(_output[_length..], out int written, default, CultureInfo.InvariantCulture);
        _length += written;
    }

    public void Boolean(ReadOnlySpan<byte> name, bool? value)
    {
        if (value is not { } flag)
            return;
        Name(name);
        ReadOnlySpan<byte> text = flag ? "true"u8 : "false"u8;
        text.CopyTo(_output[_length..]);
        _length += text.Length;
    }

    /// <summary>Closes the object and the line; returns the bytes written in all.</summary>
    public int End()
    {
        Put((byte)'}');
        Put((byte)'\n');
        return _length;
    }

    private void Name(ReadOnlySpan<byte> name)
    {
        if (_fields)
            Put((byte)',');
        _fields = true;
        Put((byte)'"');
        name.CopyTo(_output[_length..]);
        _length += name.Length;
        Put((byte)'"');
        Put((byte)':');
    }

    private void Character(Rune rune)
    {
        int value = rune.Value;
        ReadOnlySpan<byte> shortForm = value switch
        {
            '\\' => @"\\"u8,
            '\n' => @"\n"u8,
            '\r' => @"\r"u8,
            '\t' => @"\t"u8,
            '\b' => @"\b"u8,
            '\f' => @"\f"u8,
            _ => default,
        };
        if (!shortForm.IsEmpty)
        {
            shortForm.CopyTo(_output[_length..]);
            _length += shortForm.Length;
        }
        else if (Readable(value))
        {
            _length += rune.EncodeToUtf8(_output[_length..]);
        }
        else
        {
            Span<char> units = stackalloc char[2];
            int count = rune.EncodeToUtf16(units);
            for (int i = 0; i < count; i++)
                Escape(units[i]);
        }
    }

    private void Escape(char unit)
    {
        const string Hex = "0123456789ABCDEF";
        Put((byte)'\\');
        Put((byte)'u');
        for (int i = 0; i < 4; i++)
            Put((byte)Hex[(unit >> (12 - 4 * i)) & 15]);
    }

    private void Put(byte value) => _output[_length++] = value;

    /// <summary>Whether <paramref name="scalar"/> may stand as itself in a JSON string written to a terminal ('"' is
    /// escaped as \u0022, so the output holds no quote but the strings' own).</summary>
    private static bool Readable(int scalar)
    {
        if (scalar is '"' or '\\')
            return false;
        // Control is C0, DEL and C1.
        return Rune.GetUnicodeCategory(new Rune(scalar)) is not (UnicodeCategory.Format or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Control or UnicodeCategory.OtherNotAssigned
            or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate);
    }
}
