// Peer text made safe to show (controls become visible, cat -v style), the byte and string versions agreeing,
// and long lines split into protocol-sized messages at rune boundaries.
using System.Text;
using P2PChat.Net;
using P2PChat.Ui;

namespace P2PChat.Tests;

public class TextSanitizerTests
{
    private static string SanitizeBytes(string text)
    {
        byte[] source = Encoding.UTF8.GetBytes(text);
        var destination = new byte[TextSanitizer.MaxExpansion * source.Length];
        int written = TextSanitizer.Sanitize(source, destination);
        return Encoding.UTF8.GetString(destination, 0, written);
    }

    [Test]
    [Arguments("\u001b", "^[")]
    [Arguments("\u007f", "^?")]
    [Arguments("\n", "^J")]
    [Arguments("\r", "^M")]
    [Arguments("\t", "^I")]
    [Arguments("\0", "^@")]
    [Arguments("\u0007", "^G")]
    [Arguments("\u001f", "^_")]
    [Arguments("\u009b", "M-^[")]
    [Arguments("\u0080", "M-^@")]
    [Arguments("\u009f", "M-^_")]
    [Arguments("\u001b[31mred\u001b[0m", "^[[31mred^[[0m")]
    [Arguments("\u001b]0;title\u0007", "^[]0;title^G")]
    [Arguments("line1\nline2\r\n", "line1^Jline2^M^J")]
    public async Task Control_characters_become_visible(string text, string expected)
    {
        await Assert.That(TextSanitizer.Sanitize(text)).IsEqualTo(expected);
        await Assert.That(SanitizeBytes(text)).IsEqualTo(expected);
    }

    [Test]
    [Arguments("hello, world")]
    [Arguments("漢字とかな")]
    [Arguments("emoji 🙂👍🏽 and flags 🇫🇷")]
    [Arguments("Zoë café naïve")]
    [Arguments("\u00a0non-breaking and \u00a9 copyright")] // just above C1: printable
    [Arguments("~ tilde and space ")]
    public async Task Printable_text_is_unchanged(string text)
    {
        await Assert.That(TextSanitizer.Sanitize(text)).IsEqualTo(text);
        await Assert.That(SanitizeBytes(text)).IsEqualTo(text);
    }

    [Test]
    [Arguments("")]
    [Arguments("plain")]
    [Arguments("\u001b[2J\u001b[H")]
    [Arguments("mixed 🙂\u0085next line\u009b31m 漢字\u007f")]
    [Arguments("\u00c2\u0080")] // U+00C2 is encoded C3 82: its bytes must not be mistaken for a C1 lead
    [Arguments("\u0100\u0080\u0101")]
    [Arguments("¢\u0090£")]
    [Arguments("\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f")]
    [Arguments("\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f\u007f")]
    [Arguments("\u0080\u0081\u0082\u0083\u0084\u0085\u0086\u0087\u0088\u0089\u008a\u008b\u008c\u008d\u008e\u008f")]
    [Arguments("\u0090\u0091\u0092\u0093\u0094\u0095\u0096\u0097\u0098\u0099\u009a\u009b\u009c\u009d\u009e\u009f")]
    public async Task Byte_version_agrees_with_string_version(string text)
    {
        string fromString = TextSanitizer.Sanitize(text);
        string fromBytes = SanitizeBytes(text);

        await Assert.That(fromBytes).IsEqualTo(fromString);
        await Assert.That(fromString.Any(c => char.IsControl(c))).IsFalse();
    }

    [Test]
    public async Task Control_characters_double_in_size_within_the_documented_bound()
    {
        string text = new string('\u001b', 100) + new string('\u0085', 100);
        byte[] source = Encoding.UTF8.GetBytes(text);
        var destination = new byte[TextSanitizer.MaxExpansion * source.Length];

        int written = TextSanitizer.Sanitize(source, destination);

        await Assert.That(written).IsEqualTo(2 * source.Length); // U+061C reaches MaxExpansion: VisibleTextTests
    }

    [Test]
    [Arguments("🙂", 20_000)]
    [Arguments("a🙂", 20_000)] // odd offsets: a 4-byte rune straddles every 8192-byte boundary
    [Arguments("ab漢", 20_000)]
    [Arguments("x", 20_000)]
    [Arguments("é", 8193)]
    public async Task Long_line_is_split_into_protocol_sized_chunks_at_rune_boundaries(string unit, int minimumBytes)
    {
        int units = (minimumBytes + Encoding.UTF8.GetByteCount(unit) - 1) / Encoding.UTF8.GetByteCount(unit);
        string line = string.Concat(Enumerable.Repeat(unit, units));

        List<string> chunks = [.. TextChunker.Split(line)];

        int[] sizes = [.. chunks.Select(Encoding.UTF8.GetByteCount)];
        await Assert.That(chunks.Count).IsGreaterThan(1);
        await Assert.That(sizes.All(size => size is > 0 and <= Protocol.MaxTextBytes)).IsTrue()
            .Because($"chunk sizes: {string.Join(", ", sizes)}");
        await Assert.That(chunks.All(chunk => !char.IsSurrogate(chunk[0]) || char.IsHighSurrogate(chunk[0]))).IsTrue();
        await Assert.That(chunks.All(chunk => !char.IsHighSurrogate(chunk[^1]))).IsTrue().Because("no chunk may end inside a surrogate pair");
        await Assert.That(chunks.All(chunk => TextRules.IsValidText(Encoding.UTF8.GetBytes(chunk)))).IsTrue();
        await Assert.That(string.Concat(chunks)).IsEqualTo(line);
        // Greedy: every chunk but the last is full up to less than one rune.
        await Assert.That(sizes[..^1].All(size => size > Protocol.MaxTextBytes - 4)).IsTrue()
            .Because($"chunk sizes: {string.Join(", ", sizes)}");
    }

    [Test]
    [Arguments("short")]
    [Arguments("🙂")]
    public async Task Short_line_is_one_chunk(string line)
    {
        await Assert.That(string.Join("|", TextChunker.Split(line))).IsEqualTo(line);
    }

    [Test]
    public async Task Line_of_exactly_the_limit_is_one_chunk()
    {
        string line = new('x', Protocol.MaxTextBytes);

        List<string> chunks = [.. TextChunker.Split(line)];

        await Assert.That(chunks.Count).IsEqualTo(1);
        await Assert.That(chunks[0]).IsEqualTo(line);
    }

    [Test]
    public async Task Empty_line_gives_no_chunk()
    {
        await Assert.That(TextChunker.Split("").Count()).IsEqualTo(0);
    }
}
