// --json's hand-written objects (JsonLine, ChatEvent.WriteJson): every string parses back to itself, characters that
// may stand as themselves do, what a terminal or a JSON parser must not see raw is escaped, and the fields come in
// one order with null ones left out. (Checked once against what System.Text.Json and the rewrite that made its output
// readable wrote before: 20,000 random events, byte for byte the same.)
using System.Text;
using System.Text.Json;
using P2PChat.Net;
using P2PChat.Ui;

namespace P2PChat.Tests.Unit;

public class JsonLineTests
{
    private static string Line(ChatEvent chatEvent)
    {
        var output = new byte[chatEvent.MaxJsonBytes];
        return Encoding.UTF8.GetString(output, 0, chatEvent.WriteJson(output));
    }

    /// <summary>The JSON string <paramref name="text"/> becomes, quotes included.</summary>
    private static string Quoted(string text)
    {
        string line = Line(new ChatEvent("message", null, null) { Text = text });
        const string Before = "{\"event\":\"message\",\"text\":";
        return line[Before.Length..^2];
    }

    [Test]
    public async Task Random_strings_parse_back_to_themselves_with_no_raw_control_or_format_character()
    {
        var random = new Random(13);
        int[] pool = [0, 8, 9, 10, 12, 13, 0x1b, 0x7f, 0x85, 0x9b, '"', '\\', '/', '<', '&', '+', 'u', 'a', 'é', 0x202e, 0x200b,
            0x2028, 0x2029, 0xfeff, 0xe000, 0x378, 0x1f642, 0x1f468, 0x200d, 0x10ffff, 0x4e2d, 0xd800, 0xdc00];
        for (int i = 0; i < 2000; i++)
        {
            var text = new StringBuilder();
            int count = random.Next(0, 12);
            for (int j = 0; j < count; j++)
            {
                int code = random.Next(3) == 0 ? random.Next(0x20, 0x7f) : pool[random.Next(pool.Length)];
                if (code is >= 0xd800 and <= 0xdfff)
                    text.Append((char)code); // a lone surrogate: written as U+FFFD, as UTF-8 would carry it
                else
                    text.Append(char.ConvertFromUtf32(code));
            }
            string original = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text.ToString()));
            string json = Quoted(text.ToString());
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
        await Assert.That(Quoted("hi 🙂 <b> & 'x' + `y` é")).IsEqualTo("\"hi 🙂 <b> & 'x' + `y` é\"");
        await Assert.That(Quoted("family 👨‍👩‍👧")).IsEqualTo("\"family 👨\\u200D👩\\u200D👧\"").Because("a zero-width joiner stays escaped");
    }

    [Test]
    public async Task Escapes_in_the_text_itself_are_not_taken_for_escapes()
    {
        await Assert.That(Quoted(@"\uD83D\uDE42 and \u003C")).IsEqualTo(@"""\\uD83D\\uDE42 and \\u003C""");
        await Assert.That(Quoted("quote \" backslash \\ newline \n tab \t cr \r esc \u001b del \u007f")).IsEqualTo(
            "\"quote \\u0022 backslash \\\\ newline \\n tab \\t cr \\r esc \\u001B del \\u007F\"");
    }

    [Test]
    public async Task Fields_come_in_one_order_null_ones_left_out_numbers_and_booleans_bare()
    {
        var full = new ChatEvent("lost", "bob", "00ab")
        {
            Id = "00ab:7", Seq = 7, Time = "t", History = true, Text = "x", From = "f", Address = "a", Reason = "r", Key = "k",
            Label = "l", Count = ulong.MaxValue, Senders = 3, Action = false, Private = true,
        };

        await Assert.That(Line(full)).IsEqualTo("{\"event\":\"lost\",\"name\":\"bob\",\"node\":\"00ab\",\"id\":\"00ab:7\",\"seq\":7,"
            + "\"time\":\"t\",\"history\":true,\"text\":\"x\",\"from\":\"f\",\"address\":\"a\",\"reason\":\"r\",\"key\":\"k\",\"label\":\"l\","
            + "\"count\":18446744073709551615,\"senders\":3,\"action\":false,\"private\":true}\n");
        await Assert.That(Line(new ChatEvent("lost", null, null) { Count = 2, Senders = 5 }))
            .IsEqualTo("{\"event\":\"lost\",\"count\":2,\"senders\":5}\n");
    }

    [Test]
    [Arguments(0x01)]
    [Arguments(0x200b)]
    [Arguments(0x1f642)]
    public async Task The_largest_message_of_the_widest_characters_fits_the_room_it_is_given(int code)
    {
        string character = char.ConvertFromUtf32(code);
        string text = string.Concat(Enumerable.Repeat(character, Protocol.MaxTextBytes / Encoding.UTF8.GetByteCount(character)));
        var chatEvent = new ChatEvent("message", new string('n', Protocol.MaxNameBytes), new string('0', 16)) { Text = text, Key = new string('f', 64) };

        string line = Line(chatEvent); // throws if MaxJsonBytes were short

        using JsonDocument parsed = JsonDocument.Parse(line);
        await Assert.That(parsed.RootElement.GetProperty("text").GetString()).IsEqualTo(text);
    }
}
