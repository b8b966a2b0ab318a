// --json's rewrite of System.Text.Json's output (JsonEscapes): every string still parses to itself, characters that
// may stand as themselves do, and what a terminal or a JSON parser must not see raw is escaped.
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using P2PChat.Ui;

namespace P2PChat.Tests.Unit;

public class JsonEscapesTests
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    private static string Relaxed(string text)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(text, Options);
        var output = new byte[JsonEscapes.MaxOutput(json.Length)];
        int length = JsonEscapes.Rewrite(json, output);
        return Encoding.UTF8.GetString(output, 0, length);
    }

    [Test]
    public async Task Random_strings_parse_back_to_what_the_serialiser_wrote_with_no_raw_control_or_format_character()
    {
        var random = new Random(13);
        int[] pool = [0, 0x1b, 0x7f, 0x85, 0x9b, '"', '\\', '/', '<', '&', '+', 'u', 'a', 'é', 0x202e, 0x200b, 0x2028, 0x2029,
            0xfeff, 0xe000, 0x378, 0x1f642, 0x1f468, 0x200d, 0x10ffff, 0x4e2d, 0xd800, 0xdc00];
        for (int i = 0; i < 2000; i++)
        {
            var text = new StringBuilder();
            int count = random.Next(0, 12);
            for (int j = 0; j < count; j++)
            {
                int code = random.Next(3) == 0 ? random.Next(0x20, 0x7f) : pool[random.Next(pool.Length)];
                if (code is >= 0xd800 and <= 0xdfff)
                    text.Append((char)code); // a lone surrogate: the serialiser escapes it, and it must stay so
                else
                    text.Append(char.ConvertFromUtf32(code));
            }
            // (A lone surrogate is serialised as U+FFFD: what the serialiser's own output parses to is the reference.)
            string original = JsonSerializer.Deserialize<string>(JsonSerializer.SerializeToUtf8Bytes(text.ToString(), Options))!;
            string json = Relaxed(original);
            string parsed = JsonSerializer.Deserialize<string>(json)!;
            await Assert.That(parsed).IsEqualTo(original).Because(json);
            foreach (Rune rune in json.EnumerateRunes())
                await Assert.That(rune.Value is < 0x20 or (>= 0x7f and <= 0x9f) or 0x202e or 0x200b or 0x2028 or 0x2029 or 0xfeff or 0xe000)
                    .IsFalse().Because($"U+{rune.Value:X4} raw in {json}");
        }
    }

    [Test]
    public async Task Emoji_and_html_sensitive_characters_come_out_as_themselves()
    {
        await Assert.That(Relaxed("hi 🙂 <b> & 'x' + `y` é")).IsEqualTo("\"hi 🙂 <b> & 'x' + `y` é\"");
        await Assert.That(Relaxed("family 👨‍👩‍👧")).IsEqualTo("\"family 👨\\u200D👩\\u200D👧\"").Because("a zero-width joiner stays escaped");
    }

    [Test]
    public async Task Escapes_in_the_text_itself_are_not_taken_for_the_serialiser_s()
    {
        await Assert.That(Relaxed(@"\uD83D\uDE42 and \u003C")).IsEqualTo(@"""\\uD83D\\uDE42 and \\u003C""");
        await Assert.That(Relaxed("quote \" backslash \\ newline \n")).IsEqualTo("\"quote \\u0022 backslash \\\\ newline \\n\"");
    }
}
