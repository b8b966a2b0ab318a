// Writes Ui/CellWidthTable.cs, the terminal cell width of every code point, from the Unicode Character Database
// that Debian's unicode-data package installs under /usr/share/unicode. Run from the repository root:
//
//     dotnet run --file tools/gen-cell-width.cs [UCD directory, default /usr/share/unicode]
//
// (a .NET 10 file-based app; p2pchat.csproj excludes tools/**). The rules, glibc's wcwidth() with two emoji
// additions, are written into the generated file's header; CellWidth.cs combines the tables for whole clusters.
using System.Globalization;
using System.Text;

string ucd = args.Length > 0 ? args[0] : "/usr/share/unicode";
string output = Path.Combine(Directory.GetCurrentDirectory(), "Ui", "CellWidthTable.cs");
if (!File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "p2pchat.csproj")))
    return Fail("run this from the repository root (where p2pchat.csproj is)");
if (!Directory.Exists(ucd))
    return Fail($"{ucd} not found: apt-get install unicode-data, or pass the UCD directory");

const int CodeSpace = 0x110000;

// The data version, from the first line of a file the UCD stamps with it ("# DerivedEastAsianWidth-15.0.0.txt").
string eawPath = Path.Combine(ucd, "extracted", "DerivedEastAsianWidth.txt");
string version = File.ReadLines(eawPath).First().Split('-', 2)[1].Replace(".txt", "").Trim();
string emojiPath = Path.Combine(ucd, "emoji", "emoji-data.txt");
string emojiVersion = File.ReadLines(emojiPath).First(l => l.Contains("Emoji Version")).Split("Emoji Version ")[1].Split(' ')[0];
if (!version.StartsWith(emojiVersion + ".", StringComparison.Ordinal))
    return Fail($"UCD {version} but emoji data {emojiVersion}: mixed versions");

// General category of every code point ("Cn" when unassigned). UnicodeData.txt gives big blocks as First/Last pairs.
var category = new string[CodeSpace];
Array.Fill(category, "Cn");
int rangeStart = -1;
foreach (string line in File.ReadLines(Path.Combine(ucd, "UnicodeData.txt")))
{
    string[] f = line.Split(';');
    int cp = int.Parse(f[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    if (f[1].EndsWith(", First>", StringComparison.Ordinal))
    {
        rangeStart = cp;
        continue;
    }
    int first = f[1].EndsWith(", Last>", StringComparison.Ordinal) ? rangeStart : cp;
    for (int c = first; c <= cp; c++)
        category[c] = f[2];
}

// East_Asian_Width, including the defaults for unassigned code points (the "# @missing:" lines: CJK blocks and
// planes 2 and 3 are W), so ideographs added after this version are wide too.
var eaw = new string[CodeSpace];
Array.Fill(eaw, "N");
var longNames = new Dictionary<string, string>
{
    ["Neutral"] = "N", ["Ambiguous"] = "A", ["Halfwidth"] = "H", ["Wide"] = "W", ["Fullwidth"] = "F", ["Narrow"] = "Na",
};
foreach (string raw in File.ReadLines(eawPath))
{
    string line = raw.StartsWith("# @missing:", StringComparison.Ordinal) ? raw["# @missing:".Length..] : raw;
    if (!TryRange(line, out int first, out int last, out string value))
        continue;
    value = longNames.GetValueOrDefault(value, value);
    for (int c = first; c <= last; c++)
        eaw[c] = value;
}

bool[] emojiPresentation = Property(emojiPath, "Emoji_Presentation");
bool[] pictographic = Property(emojiPath, "Extended_Pictographic");
bool[] prependedMark = Property(Path.Combine(ucd, "PropList.txt"), "Prepended_Concatenation_Mark");

// Blocks whose every assigned character is an emoji with Emoji_Presentation or a pictograph that takes one with
// VS16: their reserved Extended_Pictographic code points are where new emoji arrive, all wide so far.
string[] emojiBlocks =
[
    "Miscellaneous Symbols and Pictographs", "Emoticons", "Transport and Map Symbols",
    "Supplemental Symbols and Pictographs", "Symbols and Pictographs Extended-A",
];
var inEmojiBlock = new bool[CodeSpace];
foreach (string line in File.ReadLines(Path.Combine(ucd, "Blocks.txt")))
{
    if (TryRange(line, out int first, out int last, out string name) && emojiBlocks.Contains(name))
        for (int c = first; c <= last; c++)
            inEmojiBlock[c] = true;
}

var width = new int[CodeSpace];
for (int c = 0; c < CodeSpace; c++)
{
    int w = 1;
    if (eaw[c] is "W" or "F" || (category[c] == "Cn" && pictographic[c] && inEmojiBlock[c]))
        w = 2;
    if (emojiPresentation[c] && c is < 0x1F1E6 or > 0x1F1FF)
        w = 2; // all W already; regional indicators stay 1 as in glibc, so a flag (a pair) is 2 either way
    if (c is >= 0x3248 and <= 0x324F || c is >= 0x4DC0 and <= 0x4DFF)
        w = 2; // glibc: circled numbers on black squares (A) and Yijing hexagrams (N) are drawn wide
    if (category[c] is "Mn" or "Me" or "Cf" && !prependedMark[c] && c != 0x00AD)
        w = 0; // marks and format controls; glibc keeps the soft hyphen and the Arabic number signs visible
    if (c is >= 0x1160 and <= 0x11FF || c is >= 0xD7B0 and <= 0xD7FF)
        w = 0; // Hangul jungseong and jongseong join the choseong before them into one wide syllable
    width[c] = w;
}

// Code points that a following VS16 (U+FE0F) turns from text into emoji presentation, and so from 1 cell to 2.
var vs16Widens = new bool[CodeSpace];
foreach (string line in File.ReadLines(Path.Combine(ucd, "emoji", "emoji-variation-sequences.txt")))
{
    string[] f = line.Split(';');
    if (f.Length < 2 || line.StartsWith('#') || f[1].Trim() != "emoji style")
        continue;
    string[] sequence = f[0].Trim().Split(' ');
    int cp = int.Parse(sequence[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    if (sequence[1] == "FE0F" && width[cp] == 1)
        vs16Widens[cp] = true;
}

List<(int First, int Last)> zero = Ranges(c => width[c] == 0);
List<(int First, int Last)> wide = Ranges(c => width[c] == 2);
List<(int First, int Last)> widens = Ranges(c => vs16Widens[c]);
List<(int First, int Last)> pictographs = Ranges(c => pictographic[c]);

var text = new StringBuilder();
text.Append($$"""
// Cell widths of single code points, generated by tools/gen-cell-width.cs from Unicode {{version}} data; do not edit.
// Regenerate from the repository root: dotnet run --file tools/gen-cell-width.cs   (needs Debian's unicode-data package)
//
// The rules are glibc's wcwidth() (localedata/unicode-gen/utf8_gen.py), which tmux and most terminals on Linux use:
//   0  general category Mn, Me or Cf (ZWJ, ZWSP, variation selectors, tags), except the soft hyphen U+00AD and the
//      Prepended_Concatenation_Mark signs (U+0600..U+0605 ...), which are drawn; Hangul jungseong and jongseong
//      U+1160..U+11FF and U+D7B0..U+D7FF (they join the choseong before them).
//   2  East_Asian_Width W or F, including the W default of unassigned code points in the CJK blocks and planes 2
//      and 3; Emoji_Presentation (all W already, but for the regional indicators, which stay 1 as in glibc: a flag
//      is a pair of them, 2 cells); glibc's U+3248..U+324F and U+4DC0..U+4DFF; and, beyond glibc, unassigned
//      Extended_Pictographic code points in the five emoji blocks, where new wide emoji are assigned.
//   1  everything else, including East_Asian_Width A (ambiguous is narrow outside CJK locales) and controls.
// Zero wins over wide (U+302A..U+302D, U+3099..U+309A are wide marks). CellWidth.cs measures clusters: a VS16 after
// a code point in Vs16Widens makes it 2 cells, and Extended_Pictographic starts ZWJ and skin-tone sequences.
// Each table is (first, last) pairs of inclusive code point ranges, sorted and disjoint.

namespace P2PChat.Ui;

internal static class CellWidthTable
{
    public const string UnicodeVersion = "{{version}}";


""");
Emit(text, "ZeroWidth", "Code points that take no cell of their own.", zero);
Emit(text, "Wide", "Code points that take two cells.", wide);
Emit(text, "Vs16Widens", "One-cell code points that VS16 (U+FE0F) turns into two-cell emoji (emoji-variation-sequences.txt).", widens);
Emit(text, "ExtendedPictographic", "Extended_Pictographic (emoji-data.txt): bases of ZWJ and modifier sequences.", pictographs);
text.Length -= Environment.NewLine.Length; // no blank line before the closing brace
text.Append("}\n");
File.WriteAllText(output, text.ToString().ReplaceLineEndings("\n"));
Console.WriteLine($"{output}: Unicode {version}, zero-width {zero.Count} ranges, wide {wide.Count}, "
    + $"VS16-widened {widens.Count}, Extended_Pictographic {pictographs.Count}");
return 0;

static int Fail(string message)
{
    Console.Error.WriteLine($"gen-cell-width: {message}");
    return 1;
}

// "XXXX..YYYY ; Value # comment" or "XXXX;Value" -> the range and the first word of the value.
static bool TryRange(string line, out int first, out int last, out string value)
{
    first = last = 0;
    value = "";
    int hash = line.IndexOf('#');
    string content = hash >= 0 ? line[..hash] : line;
    string[] f = content.Split(';');
    if (f.Length < 2)
        return false;
    string[] ends = f[0].Trim().Split("..");
    first = int.Parse(ends[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    last = ends.Length > 1 ? int.Parse(ends[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) : first;
    value = f[1].Trim();
    return true;
}

static bool[] Property(string path, string property)
{
    var has = new bool[CodeSpace];
    foreach (string line in File.ReadLines(path))
    {
        if (TryRange(line, out int first, out int last, out string value) && value == property)
            for (int c = first; c <= last; c++)
                has[c] = true;
    }
    return has;
}

static List<(int First, int Last)> Ranges(Func<int, bool> member)
{
    var ranges = new List<(int First, int Last)>();
    for (int c = 0; c < CodeSpace; c++)
    {
        if (!member(c))
            continue;
        if (ranges.Count > 0 && ranges[^1].Last == c - 1)
            ranges[^1] = (ranges[^1].First, c);
        else
            ranges.Add((c, c));
    }
    return ranges;
}

static void Emit(StringBuilder text, string name, string comment, List<(int First, int Last)> ranges)
{
    // A ReadOnlySpan<int> over constants compiles to data in the binary's image: no allocation, no static constructor.
    text.Append($"    // {comment} {ranges.Count} ranges.\n");
    text.Append($"    public static ReadOnlySpan<int> {name} =>\n    [\n");
    const int PerLine = 6;
    for (int i = 0; i < ranges.Count; i += PerLine)
    {
        text.Append("       ");
        foreach ((int first, int last) in ranges.Skip(i).Take(PerLine))
            text.Append($" 0x{first:X4}, 0x{last:X4},");
        text.Append('\n');
    }
    text.Append("    ];\n\n");
}
