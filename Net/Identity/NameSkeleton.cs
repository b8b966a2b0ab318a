// The confusable skeleton of a name: two names with the same skeleton could pass for each other on screen, so the UI
// shows them apart (Fingerprint) and KnownPeers treats them as one name. In the spirit of UTS #39's skeleton, with a
// small table instead of confusables.txt, and without ICU (see Of).
using System.Text;

namespace P2PChat.Net.Identity;

internal static class NameSkeleton
{
    /// <summary>The skeleton of <paramref name="name"/>: fullwidth forms folded to ASCII, look-alike letters and digits
    /// mapped to one Latin letter, case folded, invisible format characters dropped, then rn→m and vv→w.
    /// Not a display form: i, I, l, 1 and | all become l, so `alice` has the skeleton `allce`.</summary>
    /// <remarks>Under InvariantGlobalization (set in p2pchat.csproj) string.Normalize does nothing (CoreLib's
    /// Normalization returns the input unchanged in invariant mode), so the skeleton does not rely on it: é and
    /// e + U+0301 stay apart, and accents are not folded. Rune.ToLowerInvariant uses CoreLib's own case table, which
    /// covers all of Unicode in invariant mode since .NET 6, so casefolding needs no ICU either.</remarks>
    public static string Of(string name) => System.Text.Ascii.IsValid(name) ? OfAscii(name) : OfText(name);

    /// <summary>Of for an ASCII name, the usual case, met on the first line of every author a reader labels: the same
    /// skeleton as OfText without its Unicode tables, StringBuilder and searches (no ASCII character is a format
    /// character, fullwidth or a bidi control; of the look-alikes only the strokes and zero are ASCII).</summary>
    private static string OfAscii(string name)
    {
        bool pairs = false;
        string mapped = string.Create(name.Length, name, static (folded, name) =>
        {
            for (int i = 0; i < name.Length; i++)
            {
                char c = name[i];
                folded[i] = c switch
                {
                    'I' or 'i' or 'l' or '1' or '|' => 'l',
                    '0' => 'o',
                    >= 'A' and <= 'Z' => (char)(c + ('a' - 'A')),
                    _ => c,
                };
            }
        });
        for (int i = 1; i < mapped.Length && !pairs; i++)
            pairs = (mapped[i - 1], mapped[i]) is ('r', 'n') or ('v', 'v');
        return pairs ? mapped.Replace("rn", "m").Replace("vv", "w") : mapped;
    }

    /// <summary>Of for any name (internal for the tests, which hold OfAscii to it).</summary>
    internal static string OfText(string name)
    {
        var mapped = new StringBuilder(name.Length);
        Span<char> lower = stackalloc char[2]; // a rune as UTF-16; not Rune.ToString, a string for every letter of every name
        foreach (Rune rune in name.EnumerateRunes())
        {
            int value = rune.Value;
            if (value is >= 0xFF01 and <= 0xFF5E)
                value -= 0xFEE0; // fullwidth ASCII: U+FF01..U+FF5E are U+0021..U+007E
            else if (value == 0x3000)
                value = ' '; // ideographic space
            if (TextRules.IsBidiControl(value) || Rune.GetUnicodeCategory(new Rune(value)) == System.Globalization.UnicodeCategory.Format)
                continue;
            // Capitals first: Greek Η looks like H, but its lower case η does not look like h.
            char latin = LookAlike(value);
            if (latin == '\0')
                latin = LookAlike(Rune.ToLowerInvariant(new Rune(value)).Value);
            if (latin != '\0')
            {
                mapped.Append(latin);
                continue;
            }
            mapped.Append(lower[..Rune.ToLowerInvariant(new Rune(value)).EncodeToUtf16(lower)]);
        }
        // Pairs that pass for one letter. Not confusables.txt's cl→d: with i folded into l, it would make "ci" a "d".
        return mapped.Replace("rn", "m").Replace("vv", "w").ToString();
    }

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> could pass for each other.</summary>
    public static bool Collide(string a, string b) => Of(a) == Of(b);

    /// <summary>The Latin letter a code point passes for, or '\0'. Entries follow confusables.txt where it maps to one
    /// ASCII letter; the i/l/1 class is one letter here, so that casefolding (I→i) cannot undo the I→l mapping.</summary>
    private static char LookAlike(int value) => value switch
    {
        // ASCII and Latin: the vertical strokes, and zero.
        'I' or 'i' or 'l' or '1' or '|' or 0x0131 /* ı dotless i */ or 0x01C0 /* ǀ dental click */ or 0x0269 /* ɩ */ => 'l',
        '0' => 'o',
        0x0251 => 'a', // ɑ
        0x0261 => 'g', // ɡ script g
        // Cyrillic capitals that look like Latin capitals (their lower case may not look like the Latin lower case).
        0x0410 => 'a', 0x0412 => 'b', 0x0415 => 'e', 0x041A => 'k', 0x041C => 'm', 0x041D => 'h', 0x041E => 'o',
        0x0420 => 'p', 0x0421 => 'c', 0x0422 => 't', 0x0423 => 'y', 0x0425 => 'x', 0x0405 => 's', 0x0406 => 'l',
        0x0408 => 'j', 0x04AE => 'y', 0x04C0 => 'l', 0x0417 => '3' /* З */,
        // Cyrillic small letters that look like Latin small letters.
        0x0430 => 'a', 0x0435 => 'e', 0x043E => 'o', 0x0440 => 'p', 0x0441 => 'c', 0x0443 => 'y', 0x0445 => 'x',
        0x0456 => 'l', 0x0458 => 'j', 0x0455 => 's', 0x0501 => 'd', 0x04BB => 'h', 0x04CF => 'l', 0x051B => 'q',
        0x051D => 'w', 0x0433 => 'r', 0x044C => 'b',
        // Greek capitals that look like Latin capitals.
        0x0391 => 'a', 0x0392 => 'b', 0x0395 => 'e', 0x0396 => 'z', 0x0397 => 'h', 0x0399 => 'l', 0x039A => 'k',
        0x039C => 'm', 0x039D => 'n', 0x039F => 'o', 0x03A1 => 'p', 0x03A4 => 't', 0x03A5 => 'y', 0x03A7 => 'x',
        // Greek small letters that look like Latin small letters.
        0x03B1 => 'a', 0x03B5 => 'e', 0x03B9 => 'l', 0x03BA => 'k', 0x03BD => 'v', 0x03BF => 'o', 0x03C1 => 'p',
        0x03C4 => 't', 0x03C5 => 'u', 0x03C7 => 'x', 0x03B3 => 'y', 0x03F2 => 'c' /* ϲ lunate sigma */, 0x03F3 => 'j',
        _ => '\0',
    };
}
