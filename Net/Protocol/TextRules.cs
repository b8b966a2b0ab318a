// What the protocol accepts as a name or a message text. Shared by the wire parser and the command line, so a
// name the CLI accepts is exactly a name peers accept.
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace P2PChat.Net;

internal static class TextRules
{
    /// <summary>1..32 bytes of valid UTF-8 with no control character (C0, DEL, C1), no bidirectional control, nothing
    /// invisible, no combining mark first and no surrounding space (NameFault lists why each is refused).</summary>
    public static bool IsValidName(ReadOnlySpan<byte> name) => FindFault(name, out _) == NameFault.None;

    /// <summary>The first reason <paramref name="name"/> is not a valid name, and the code point at fault (0 when the
    /// fault is not one code point). Allocation-free: the wire parser calls it for every frame that carries a name.</summary>
    public static NameFault FindFault(ReadOnlySpan<byte> name, out int codePoint)
    {
        codePoint = 0;
        if (name.IsEmpty)
            return NameFault.Empty;
        if (name.Length > Protocol.MaxNameBytes)
            return NameFault.TooLong;
        if (!Utf8.IsValid(name))
            return NameFault.InvalidUtf8;
        bool first = true;
        Rune last = default;
        while (!name.IsEmpty)
        {
            byte b = name[0];
            Rune rune;
            int used;
            if (b < 0x80)
            {
                rune = new Rune(b);
                used = 1;
            }
            else
            {
                Rune.DecodeFromUtf8(name, out rune, out used);
            }
            if (first && Rune.IsWhiteSpace(rune))
                return NameFault.EdgeSpace;
            if (CharacterFault(rune, first) is var fault and not NameFault.None)
            {
                codePoint = rune.Value;
                return fault;
            }
            first = false;
            last = rune;
            name = name[used..];
        }
        return Rune.IsWhiteSpace(last) ? NameFault.EdgeSpace : NameFault.None;
    }

    /// <summary>Bidirectional controls: ALM, LRM, RLM, LRE/RLE/PDF/LRO/RLO, LRI/RLI/FSI/PDI (UAX #9).</summary>
    public static bool IsBidiControl(int codePoint) =>
        codePoint is 0x061C or 0x200E or 0x200F or (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069);

    private static NameFault CharacterFault(Rune rune, bool first)
    {
        int value = rune.Value;
        if (value < 0x80)
            return value is < 0x20 or 0x7F ? NameFault.Control : NameFault.None;
        if (IsBidiControl(value))
            return NameFault.BidiControl;
        // GetUnicodeCategory reads CoreLib's own tables: no ICU, the same under InvariantGlobalization and AOT.
        switch (Rune.GetUnicodeCategory(rune))
        {
            case UnicodeCategory.Control:
                return NameFault.Control;
            case UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator:
                return NameFault.Invisible;
            case UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark when first:
                return NameFault.LeadingMark;
        }
        // Hangul fillers are letters (Lo) that draw as blank space: a name of fillers looks like no name at all.
        return value is 0x115F or 0x1160 or 0x3164 or 0xFFA0 ? NameFault.Invisible : NameFault.None;
    }

    /// <summary>1..MaxTextBytes of valid UTF-8. Control characters are allowed on the wire; every display
    /// makes them visible (Ui/TextSanitizer).</summary>
    public static bool IsValidText(ReadOnlySpan<byte> text) =>
        text.Length is > 0 and <= Protocol.MaxTextBytes && Utf8.IsValid(text);

    /// <summary>Why a name typed on the command line is refused, or null if it is fine.</summary>
    public static string? ExplainBadName(string name)
    {
        if (name.Length == 0)
            return "the name is empty";
        int bytes = Encoding.UTF8.GetByteCount(name);
        if (bytes > Protocol.MaxNameBytes)
            return $"the name is {bytes} bytes long; the limit is {Protocol.MaxNameBytes} bytes of UTF-8";
        byte[] utf8 = Encoding.UTF8.GetBytes(name);
        return FindFault(utf8, out int codePoint) switch
        {
            NameFault.None => null,
            NameFault.Empty => "the name is empty",
            NameFault.TooLong => $"the name is {bytes} bytes long; the limit is {Protocol.MaxNameBytes} bytes of UTF-8",
            NameFault.InvalidUtf8 => "the name is not valid Unicode",
            NameFault.EdgeSpace => "the name starts or ends with a space",
            NameFault.Control => "the name contains a control character",
            NameFault.BidiControl => $"the name contains the bidirectional control U+{codePoint:X4}, which changes the order text is shown in",
            NameFault.Invisible => $"the name contains the invisible character U+{codePoint:X4}, which would hide what the name is",
            NameFault.LeadingMark => $"the name starts with the combining mark U+{codePoint:X4}, which would draw onto the text before it",
            var other => $"the name is refused ({other})",
        };
    }
}
