// Message text cannot reorder or hide what is shown: bidirectional controls and invisible characters become their
// code (<U+202E>), in the string and the byte versions alike, while joiners inside emoji and scripts that need them stay.
using System.Text;
using P2PChat.Ui;

namespace P2PChat.Tests.Identity;

public class VisibleTextTests
{
    private static string SanitizeBytes(string text)
    {
        byte[] source = Encoding.UTF8.GetBytes(text);
        var destination = new byte[TextSanitizer.MaxExpansion * source.Length];
        int written = TextSanitizer.Sanitize(source, destination);
        return Encoding.UTF8.GetString(destination, 0, written);
    }

    [Test]
    [Arguments("pay \u202Efdp.exe", "pay <U+202E>fdp.exe")]
    [Arguments("\u2067abc\u2069", "<U+2067>abc<U+2069>")]
    [Arguments("a\u200Eb\u200Fc", "a<U+200E>b<U+200F>c")]
    [Arguments("\u202A\u202B\u202C\u202D", "<U+202A><U+202B><U+202C><U+202D>")]
    [Arguments("x\u061C", "x<U+061C>")]
    [Arguments("pass\u200Bword", "pass<U+200B>word")]
    [Arguments("\uFEFFhello", "<U+FEFF>hello")]
    [Arguments("a\u2060b\u2064c", "a<U+2060>b<U+2064>c")]
    [Arguments("one\u2028two\u2029", "one<U+2028>two<U+2029>")]
    [Arguments("al\u200Dice", "al<U+200D>ice")] // a joiner inside a Latin word only hides something
    [Arguments("\u200D🙂", "<U+200D>🙂")]
    [Arguments("\u001b\u202E", "^[<U+202E>")]
    [Arguments("🙂\u202E\u200D🙂", "🙂<U+202E><U+200D>🙂")] // a joiner after a code shown as a code joins nothing
    public async Task Bidi_controls_and_invisible_characters_in_text_are_shown_as_their_code(string text, string expected)
    {
        await Assert.That(TextSanitizer.Sanitize(text)).IsEqualTo(expected);
        await Assert.That(SanitizeBytes(text)).IsEqualTo(expected);
    }

    [Test]
    [Arguments("👨\u200D👩\u200D👧 family")]
    [Arguments("🏳\uFE0F\u200D🌈")]
    [Arguments("\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645")] // Persian: the zero-width non-joiner is spelling
    [Arguments("\u0915\u094D\u200D\u0937")] // Devanagari half form
    [Arguments("soft\u00ADhyphen")] // drawn by terminals as a hyphen or nothing; not a reordering or hiding threat in text
    public async Task Joiners_in_emoji_and_scripts_that_need_them_are_kept(string text)
    {
        await Assert.That(TextSanitizer.Sanitize(text)).IsEqualTo(text);
        await Assert.That(SanitizeBytes(text)).IsEqualTo(text);
    }

    [Test]
    public async Task The_worst_case_growth_is_MaxExpansion()
    {
        byte[] source = Encoding.UTF8.GetBytes(new string('\u061C', 100)); // 2 bytes each, shown as 8
        var destination = new byte[TextSanitizer.MaxExpansion * source.Length];

        int written = TextSanitizer.Sanitize(source, destination);

        await Assert.That(written).IsEqualTo(destination.Length);
    }
}
