// How many terminal cells text takes. A code point's width comes from CellWidthTable (glibc's wcwidth rules, generated
// from the Unicode data); text is measured by user-perceived characters (extended grapheme clusters, UAX #29), the
// unit a terminal that knows emoji sequences draws in one piece. Control characters never get here (TextSanitizer
// replaced them); they count 1 so nothing breaks if one does.
using System.Buffers;
using System.Globalization;
using System.Text;

namespace P2PChat.Ui;

internal static class CellWidth
{
    private const int ZeroWidthJoiner = 0x200D;
    private const int EmojiPresentationSelector = 0xFE0F; // VS16
    private const int FirstSkinTone = 0x1F3FB; // Emoji_Modifier: U+1F3FB..U+1F3FF, Fitzpatrick types 1-2 to 6
    private const int LastSkinTone = 0x1F3FF;

    /// <summary>Cells of one code point on its own: 0, 1 or 2.</summary>
    public static int Of(Rune rune)
    {
        int value = rune.Value;
        if (value < 0x300)
            return 1; // ASCII and Latin: the first zero-width code point is U+0300, the first wide one U+1100
        if (InRanges(CellWidthTable.ZeroWidth, value))
            return 0;
        return InRanges(CellWidthTable.Wide, value) ? 2 : 1;
    }

    public static int Of(string text) => Of(text.AsSpan());

    /// <summary>Cells of <paramref name="text"/>, cluster by cluster.</summary>
    public static int Of(ReadOnlySpan<char> text)
    {
        int width = 0;
        while (!text.IsEmpty)
        {
            int length = NextCluster(text, out int cells);
            width += cells;
            text = text[length..];
        }
        return width;
    }

    /// <summary>Length in chars of the first user-perceived character of <paramref name="text"/> (0 when empty), and
    /// its cells in <paramref name="cells"/>. Layout code steps with this so a cluster is never split.</summary>
    public static int NextCluster(ReadOnlySpan<char> text, out int cells)
    {
        if (text.IsEmpty)
        {
            cells = 0;
            return 0;
        }
        // Nothing below U+0300 extends a cluster (marks, joiners, selectors and modifiers are all above it), so a
        // char below it followed by another is a cluster of one. Latin text never leaves this path.
        if (text[0] < 0x300 && (text.Length == 1 || text[1] < 0x300))
        {
            cells = 1;
            return 1;
        }
        int length = StringInfo.GetNextTextElementLength(text);
        cells = OfCluster(text[..length]);
        return length;
    }

    /// <summary>Cells of one extended grapheme cluster: the sum of its code points' widths (what terminals that draw
    /// code point by code point show: "e"+U+0301 is 1, Devanagari consonant + vowel sign is 2, a Hangul L+V+T
    /// syllable is 2, a flag's two regional indicators are 1+1), except for emoji sequences, which are one 2-cell
    /// picture: a VS16 after a text-style emoji (U+2764 U+FE0F), and a pictograph followed by a skin tone or joined
    /// to more by ZWJ (family, rainbow flag).</summary>
    public static int OfCluster(ReadOnlySpan<char> cluster)
    {
        if (Rune.DecodeFromUtf16(cluster, out Rune first, out int used) != OperationStatus.Done)
            return 1; // a lone surrogate: drawn as U+FFFD
        int width = Of(first);
        if (used == cluster.Length)
            return width;
        bool pictograph = InRanges(CellWidthTable.ExtendedPictographic, first.Value);
        bool vs16Widens = InRanges(CellWidthTable.Vs16Widens, first.Value);
        bool afterJoiner = false;
        int sum = width;
        ReadOnlySpan<char> rest = cluster[used..];
        while (!rest.IsEmpty)
        {
            Rune.DecodeFromUtf16(rest, out Rune rune, out used);
            rest = rest[used..];
            int value = rune.Value;
            if (value == EmojiPresentationSelector && vs16Widens)
                return 2;
            if (pictograph && (afterJoiner || value is >= FirstSkinTone and <= LastSkinTone))
                return 2;
            afterJoiner = value == ZeroWidthJoiner;
            sum += Of(rune);
        }
        return sum;
    }

    /// <summary>Whether <paramref name="value"/> is in one of the sorted, disjoint (first, last) pairs.</summary>
    private static bool InRanges(ReadOnlySpan<int> ranges, int value)
    {
        if (value < ranges[0] || value > ranges[^1])
            return false;
        int low = 0;
        int high = ranges.Length / 2 - 1;
        while (low <= high)
        {
            int mid = (low + high) >>> 1;
            if (value < ranges[2 * mid])
                high = mid - 1;
            else if (value > ranges[2 * mid + 1])
                low = mid + 1;
            else
                return true;
        }
        return false;
    }
}
