// Terminal cell widths: single code points from the generated table, and user-perceived characters (grapheme clusters)
// including emoji sequences; the table's shape; and, where Debian's unicode-data is installed, the raw data files.
using System.Globalization;
using System.Text;
using P2PChat.Ui;

namespace P2PChat.Tests;

public class CellWidthTests
{
    private const string UnicodeDataDirectory = "/usr/share/unicode";

    [Test]
    [Arguments("", 0)]
    [Arguments("a", 1)]
    [Arguments("hello, world!", 13)]
    [Arguments("~{|}", 4)]
    public async Task Ascii_takes_one_cell_per_character(string text, int cells)
    {
        await Assert.That(CellWidth.Of(text)).IsEqualTo(cells);
    }

    [Test]
    [Arguments("e\u0301", 1)] // e + combining acute
    [Arguments("Zoe\u0308", 3)]
    [Arguments("e\u0301\u0327\u0304", 1)] // several marks on one letter
    [Arguments("\u00e9t\u00e9", 3)] // precomposed
    [Arguments("a\u20dd", 1)] // enclosing circle
    public async Task Combining_accents_add_no_cells_to_their_letter(string text, int cells)
    {
        await Assert.That(CellWidth.Of(text)).IsEqualTo(cells);
    }

    [Test]
    [Arguments("\u4e2d\u6587", 4)] // 中文
    [Arguments("\u65e5\u672c\u8a9e\u3067\u3059", 10)] // 日本語です: kanji and hiragana
    [Arguments("\u30ab\u30bf\u30ab\u30ca", 8)] // katakana
    [Arguments("\U00020000", 2)] // CJK extension B, outside the basic plane
    [Arguments("\U0002EBF0", 2)] // extension I, newer than the table: planes 2 and 3 default to wide
    [Arguments("\u3000", 2)] // ideographic space
    public async Task Cjk_ideographs_and_kana_take_two_cells(string text, int cells)
    {
        await Assert.That(CellWidth.Of(text)).IsEqualTo(cells);
    }

    [Test]
    [Arguments("\ud55c\uad6d\uc5b4", 6)] // 한국어: precomposed syllables
    [Arguments("\u1112\u1161\u11ab", 2)] // 한 spelled as conjoining jamo: choseong + jungseong + jongseong
    [Arguments("\u1100\u1161", 2)] // 가 as jamo
    [Arguments("\u1100\ud7b0", 2)] // jungseong from Hangul Jamo Extended-B joins too
    [Arguments("\u3131", 2)] // compatibility jamo stand alone and are wide
    public async Task Hangul_syllables_take_two_cells_however_they_are_spelled(string text, int cells)
    {
        await Assert.That(CellWidth.Of(text)).IsEqualTo(cells);
    }

    [Test]
    [Arguments("\uff21\uff22", 4)] // ＡＢ
    [Arguments("\uff01", 2)] // ！
    [Arguments("\uffe5", 2)] // fullwidth yen
    [Arguments("\uff76\uff9e", 2)] // halfwidth katakana ka + voiced mark: 1 each
    public async Task Fullwidth_forms_take_two_cells_and_halfwidth_ones_one(string text, int cells)
    {
        await Assert.That(CellWidth.Of(text)).IsEqualTo(cells);
    }

    [Test]
    [Arguments("\U0001f600", 2)] // grinning face
    [Arguments("\U0001f44d", 2)] // thumbs up
    [Arguments("\u231a", 2)] // watch: emoji presentation by default
    [Arguments("\u231a\ufe0e", 2)] // with VS15 it asks for text style but terminals keep its two cells
    [Arguments("\U0001faf8", 2)] // Unicode 15.0 (rightwards pushing hand)
    [Arguments("\U0001fae9", 2)] // Unicode 16.0 (face with bags under eyes): reserved emoji slots are wide
    public async Task Emoji_take_two_cells(string text, int cells)
    {
        await Assert.That(CellWidth.Of(text)).IsEqualTo(cells);
    }

    [Test]
    [Arguments("\u2764", 1)] // heavy black heart: text style by default
    [Arguments("\u263a", 1)]
    [Arguments("#", 1)]
    [Arguments("\u00a9", 1)]
    public async Task Text_style_emoji_alone_take_one_cell(string text, int cells)
    {
        await Assert.That(CellWidth.Of(text)).IsEqualTo(cells);
    }

    [Test]
    [Arguments("\u2764\ufe0f", 2)] // red heart
    [Arguments("\u263a\ufe0f", 2)]
    [Arguments("#\ufe0f\u20e3", 2)] // keycap number sign
    [Arguments("\U0001f600\ufe0f", 2)] // already wide: stays 2
    [Arguments("\u4e2d\ufe0f", 2)] // VS16 on a non-emoji changes nothing
    [Arguments("a\ufe0f", 1)]
    public async Task Vs16_makes_a_text_style_emoji_two_cells(string text, int cells)
    {
        await Assert.That(CellWidth.Of(text)).IsEqualTo(cells);
    }

    [Test]
    [Arguments("\U0001f44d\U0001f3fd", 2)] // thumbs up, medium skin tone
    [Arguments("\u261d\U0001f3fb", 2)] // index pointing up: a text-style base
    [Arguments("\U0001f9d1\U0001f3ff\u200d\U0001f4bb", 2)] // technologist, dark skin tone
    [Arguments("\U0001f3fd", 2)] // a skin tone on its own is a wide swatch
    public async Task Skin_tone_sequences_take_two_cells(string text, int cells)
    {
        await Assert.That(CellWidth.Of(text)).IsEqualTo(cells);
    }

    [Test]
    [Arguments("\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466", 2)] // family: man, woman, girl, boy
    [Arguments("\U0001f3f3\ufe0f\u200d\U0001f308", 2)] // rainbow flag
    [Arguments("\u2764\ufe0f\u200d\U0001f525", 2)] // heart on fire
    [Arguments("\U0001f415\u200d\U0001f9ba", 2)] // service dog
    [Arguments("\U0001f600\u200d", 2)] // a joiner with nothing after it adds nothing
    public async Task Zwj_sequences_take_two_cells(string text, int cells)
    {
        await Assert.That(CellWidth.Of(text)).IsEqualTo(cells);
    }

    [Test]
    [Arguments("\U0001f1e9\U0001f1ea", 2)] // DE
    [Arguments("\U0001f1e9\U0001f1ea\U0001f1eb\U0001f1f7", 4)] // DE FR: two flags, paired in order
    [Arguments("\U0001f1e9", 1)] // a lone regional indicator is a letter-like symbol, as glibc has it
    [Arguments("\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f", 2)] // England: tag sequence
    public async Task Flags_take_two_cells(string text, int cells)
    {
        await Assert.That(CellWidth.Of(text)).IsEqualTo(cells);
    }

    [Test]
    [Arguments("\u200b", 0)] // zero width space
    [Arguments("\u200d", 0)] // zero width joiner
    [Arguments("\u2060", 0)] // word joiner
    [Arguments("\ufeff", 0)] // byte order mark / zero width no-break space
    [Arguments("a\u200bb", 2)]
    [Arguments("\u00ad", 1)] // the soft hyphen is drawn, as glibc has it
    public async Task Zero_width_spaces_and_joiners_take_no_cells(string text, int cells)
    {
        await Assert.That(CellWidth.Of(text)).IsEqualTo(cells);
    }

    [Test]
    [Arguments("\u0915\u093e", 2)] // Devanagari KA + vowel sign AA: the sign is a spacing mark
    [Arguments("\u0915\u094d\u0937", 2)] // KSSA conjunct: KA + virama + SSA, one cluster drawn in two cells
    [Arguments("\u0e01\u0e34", 1)] // Thai KO KAI + SARA I (a nonspacing mark)
    [Arguments("\u0600\u0661", 2)] // Arabic number sign before a digit: both drawn
    public async Task Spacing_marks_in_a_cluster_keep_their_cells(string text, int cells)
    {
        await Assert.That(CellWidth.Of(text)).IsEqualTo(cells);
    }

    [Test]
    public async Task Single_code_points_take_their_table_width()
    {
        await Assert.That(CellWidth.Of(new Rune('a'))).IsEqualTo(1);
        await Assert.That(CellWidth.Of(new Rune(0x0301))).IsEqualTo(0);
        await Assert.That(CellWidth.Of(new Rune(0x200D))).IsEqualTo(0);
        await Assert.That(CellWidth.Of(new Rune(0xFE0F))).IsEqualTo(0);
        await Assert.That(CellWidth.Of(new Rune(0x4E2D))).IsEqualTo(2);
        await Assert.That(CellWidth.Of(new Rune(0x1F600))).IsEqualTo(2);
        await Assert.That(CellWidth.Of(new Rune(0x2764))).IsEqualTo(1);
        await Assert.That(CellWidth.Of(new Rune(0x10FFFF))).IsEqualTo(1);
    }

    [Test]
    public async Task Control_characters_and_broken_surrogates_do_not_break_the_measure()
    {
        await Assert.That(CellWidth.Of("\u0001\u001b\u007f\u0085")).IsEqualTo(4);
        await Assert.That(CellWidth.Of("\r\n")).IsGreaterThan(0);
        await Assert.That(CellWidth.Of("a\ud800b")).IsEqualTo(3); // a lone surrogate shows as U+FFFD
        await Assert.That(CellWidth.Of("\udc00\u0301")).IsEqualTo(1);
    }

    [Test]
    public async Task A_cluster_is_stepped_over_whole()
    {
        string family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466";
        string text = "e\u0301" + family + "x";
        int first = CellWidth.NextCluster(text, out int firstCells);
        int second = CellWidth.NextCluster(text.AsSpan(first), out int secondCells);
        int third = CellWidth.NextCluster(text.AsSpan(first + second), out int thirdCells);
        await Assert.That((first, firstCells)).IsEqualTo((2, 1));
        await Assert.That((second, secondCells)).IsEqualTo((family.Length, 2));
        await Assert.That((third, thirdCells)).IsEqualTo((1, 1));
        await Assert.That(CellWidth.NextCluster("", out int none)).IsEqualTo(0);
        await Assert.That(none).IsEqualTo(0);
    }

    [Test]
    public async Task Text_is_the_sum_of_its_clusters()
    {
        string text = "Hi \U0001f44b\U0001f3fd, \u674e \u2764\ufe0f caf\u0065\u0301 \U0001f1eb\U0001f1f7!";
        //                                "Hi " 👋🏽 ", " 李  " " ❤️  " " café " " 🇫🇷 "!"
        await Assert.That(CellWidth.Of(text)).IsEqualTo(3 + 2 + 2 + 2 + 1 + 2 + 1 + 4 + 1 + 2 + 1);
    }

    [Test]
    public async Task Every_table_is_sorted_disjoint_pairs_and_zero_width_and_wide_never_overlap()
    {
        foreach (int[] table in new[]
        {
            CellWidthTable.ZeroWidth.ToArray(), CellWidthTable.Wide.ToArray(),
            CellWidthTable.Vs16Widens.ToArray(), CellWidthTable.ExtendedPictographic.ToArray(),
        })
        {
            await Assert.That(table.Length % 2).IsEqualTo(0);
            for (int i = 0; i < table.Length; i += 2)
            {
                await Assert.That(table[i]).IsLessThanOrEqualTo(table[i + 1]);
                if (i > 0)
                    await Assert.That(table[i]).IsGreaterThan(table[i - 1] + 1); // adjacent ranges are merged
            }
            await Assert.That(table[^1]).IsLessThanOrEqualTo(0x10FFFF);
        }
        int[] zero = CellWidthTable.ZeroWidth.ToArray();
        int[] wide = CellWidthTable.Wide.ToArray();
        for (int z = 0; z < zero.Length; z += 2)
        {
            for (int w = 0; w < wide.Length; w += 2)
            {
                bool overlap = zero[z] <= wide[w + 1] && wide[w] <= zero[z + 1];
                await Assert.That(overlap).IsFalse()
                    .Because($"zero-width U+{zero[z]:X4}..U+{zero[z + 1]:X4} overlaps wide U+{wide[w]:X4}..U+{wide[w + 1]:X4}");
            }
        }
    }

    [Test]
    public async Task The_table_agrees_with_the_installed_unicode_data_files()
    {
        string unicodeData = Path.Combine(UnicodeDataDirectory, "UnicodeData.txt");
        string eastAsianWidth = Path.Combine(UnicodeDataDirectory, "EastAsianWidth.txt");
        Skip.When(!File.Exists(unicodeData) || !File.Exists(eastAsianWidth),
            $"{UnicodeDataDirectory} is absent (Debian package unicode-data): nothing to compare with");

        Dictionary<int, string> category = ReadField(unicodeData, 2);
        Dictionary<int, string> width = ReadField(eastAsianWidth, 1);
        // A handful that every Unicode version agrees on: the rule is marks and format controls 0 (but for the soft
        // hyphen and the Arabic number sign), East Asian Wide and Fullwidth 2, the rest 1.
        int[] sample = [0x0041, 0x00E9, 0x00AD, 0x0301, 0x0483, 0x0600, 0x064B, 0x093E, 0x0E31, 0x200B, 0x20DD, 0x2764,
            0x3042, 0x4E00, 0xAC00, 0xFE0F, 0xFF21, 0xFF76, 0x1F600, 0x1F3FD, 0xE0067, 0xE0100];
        foreach (int cp in sample)
        {
            string gc = category[cp];
            string eaw = width.GetValueOrDefault(cp, "N");
            int expected = gc is "Mn" or "Me" or "Cf" && cp is not (0x00AD or 0x0600) ? 0 : eaw is "W" or "F" ? 2 : 1;
            await Assert.That(CellWidth.Of(new Rune(cp))).IsEqualTo(expected)
                .Because($"U+{cp:X4} is {gc}, East_Asian_Width {eaw} in {UnicodeDataDirectory}");
        }

        // When the installed data is the version the table was made from, every mark is 0 and every W/F non-mark 2.
        string installed = File.ReadLines(eastAsianWidth).First();
        if (!installed.Contains($"-{CellWidthTable.UnicodeVersion}.txt", StringComparison.Ordinal))
            return;
        var wrong = new List<string>();
        foreach ((int cp, string gc) in category)
        {
            bool mark = gc is "Mn" or "Me";
            bool wideClass = width.GetValueOrDefault(cp, "N") is "W" or "F";
            int measured = CellWidth.Of(new Rune(cp));
            if ((mark && measured != 0) || (!mark && gc != "Cf" && wideClass && measured != 2))
                wrong.Add($"U+{cp:X4} ({gc}) measures {measured}");
        }
        await Assert.That(wrong).IsEmpty();
    }

    // "XXXX;field1;field2..." or "XXXX..YYYY;value # comment" -> code point -> field, ranges and First/Last pairs expanded;
    // surrogates are skipped (a Rune cannot hold one).
    private static Dictionary<int, string> ReadField(string path, int field)
    {
        var values = new Dictionary<int, string>();
        int rangeStart = -1;
        foreach (string line in File.ReadLines(path))
        {
            string content = line.Split('#')[0];
            string[] f = content.Split(';');
            if (f.Length <= field)
                continue;
            string[] ends = f[0].Trim().Split("..");
            int first = int.Parse(ends[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            int last = ends.Length > 1 ? int.Parse(ends[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) : first;
            if (f.Length > 2 && f[1].EndsWith(", First>", StringComparison.Ordinal))
            {
                rangeStart = first;
                continue;
            }
            if (f.Length > 2 && f[1].EndsWith(", Last>", StringComparison.Ordinal))
                first = rangeStart;
            for (int cp = first; cp <= last; cp++)
            {
                if (!Rune.IsValid(cp))
                    continue;
                values[cp] = f[field].Trim();
            }
        }
        return values;
    }
}
