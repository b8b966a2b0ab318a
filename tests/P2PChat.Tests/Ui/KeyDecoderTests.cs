// The raw-terminal decoder as a pure function over bytes: every key sequence whole, split at every byte boundary and
// byte by byte; UTF-8 (valid and not); Alt, Ctrl and a lone ESC; bracketed paste; mouse wheel; unknown sequences.
using System.Text;
using P2PChat.Ui;

namespace P2PChat.Tests.Ui;

public class KeyDecoderTests
{
    private const string Esc = "\u001b";

    /// <summary>Events in a compact form: "Kind", "Char:x", "Paste:text", then "+Ctrl", "+Alt"; joined by " | ".</summary>
    private static string Describe(IEnumerable<InputEvent> events) => string.Join(" | ", events.Select(e =>
        e.Kind switch
        {
            InputKind.Char => $"Char:{e.Rune}",
            InputKind.Paste => $"Paste:{e.Text}",
            _ => e.Kind.ToString(),
        } + (e.Ctrl ? "+Ctrl" : "") + (e.Alt ? "+Alt" : "")));

    private static string Decode(params byte[][] reads)
    {
        var events = new List<InputEvent>();
        var decoder = new KeyDecoder(events.Add);
        foreach (byte[] read in reads)
            decoder.Feed(read);
        return Describe(events);
    }

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    [Test]
    // Plain text, UTF-8 of every length, C0 controls
    [Arguments("a", "Char:a")]
    [Arguments("aB ~", "Char:a | Char:B | Char:  | Char:~")]
    [Arguments("é€😀", "Char:é | Char:€ | Char:😀")]
    [Arguments("\r", "Enter")]
    [Arguments("\n", "Enter")]
    [Arguments("\t", "Tab")]
    [Arguments("\u007f", "Backspace")]
    [Arguments("\b", "Backspace")]
    [Arguments("\u0001\u0005\u000b\u0015\u0017", "Char:a+Ctrl | Char:e+Ctrl | Char:k+Ctrl | Char:u+Ctrl | Char:w+Ctrl")]
    [Arguments("\u0003\u0004\u001a", "Char:c+Ctrl | Char:d+Ctrl | Char:z+Ctrl")]
    [Arguments("\u0000\u001f", "Char: +Ctrl | Char:_+Ctrl")]
    // CSI and SS3 keys
    [Arguments(Esc + "[A" + Esc + "[B" + Esc + "[C" + Esc + "[D", "Up | Down | Right | Left")]
    [Arguments(Esc + "[H" + Esc + "[F", "Home | End")]
    [Arguments(Esc + "OA" + Esc + "OB" + Esc + "OC" + Esc + "OD", "Up | Down | Right | Left")]
    [Arguments(Esc + "OH" + Esc + "OF", "Home | End")]
    [Arguments(Esc + "[1~" + Esc + "[7~" + Esc + "[4~" + Esc + "[8~", "Home | Home | End | End")]
    [Arguments(Esc + "[3~" + Esc + "[5~" + Esc + "[6~", "Delete | PageUp | PageDown")]
    [Arguments(Esc + "[Z", "BackTab")]
    [Arguments(Esc + "[2~x", "Char:x")]
    // Modifiers
    [Arguments(Esc + "[1;5D" + Esc + "[1;5C", "Left+Ctrl | Right+Ctrl")]
    [Arguments(Esc + "[1;3D" + Esc + "[1;3C", "Left+Alt | Right+Alt")]
    [Arguments(Esc + "[1;7A" + Esc + "[1;9B", "Up+Ctrl+Alt | Down+Alt")]
    [Arguments(Esc + "[1;2A", "Up")]
    [Arguments(Esc + "[1;5H" + Esc + "[3;5~" + Esc + "[5;3~", "Home+Ctrl | Delete+Ctrl | PageUp+Alt")]
    [Arguments(Esc + "O5D", "Left+Ctrl")]
    // Alt
    [Arguments(Esc + "b" + Esc + "f", "Char:b+Alt | Char:f+Alt")]
    [Arguments(Esc + "B" + Esc + "." + Esc + " ", "Char:B+Alt | Char:.+Alt | Char: +Alt")]
    [Arguments(Esc + "\u007f" + Esc + "\r", "Backspace+Alt | Enter+Alt")]
    [Arguments(Esc + "\u0001", "Char:a+Ctrl+Alt")]
    [Arguments(Esc + "é", "Char:é+Alt")]
    [Arguments(Esc + "bx", "Char:b+Alt | Char:x")]
    // rxvt, the Linux console and the application keypad
    [Arguments(Esc + "[7^" + Esc + "[8^" + Esc + "[3$", "Home+Ctrl | End+Ctrl | Delete")]
    [Arguments(Esc + "Oa" + Esc + "Od" + Esc + "[a", "Up+Ctrl | Left+Ctrl | Up")]
    [Arguments(Esc + "[[Ax", "Char:x")]
    [Arguments(Esc + "OM" + Esc + "Op" + Esc + "Oy" + Esc + "Ok" + Esc + "OX", "Enter | Char:0 | Char:9 | Char:+ | Char:=")]
    // Mouse wheel (SGR and X10); other buttons and releases are swallowed
    [Arguments(Esc + "[<64;10;5M" + Esc + "[<65;1;1M", "WheelUp | WheelDown")]
    [Arguments(Esc + "[<80;3;4M" + Esc + "[<73;3;4M", "WheelUp+Ctrl | WheelDown+Alt")]
    [Arguments(Esc + "[<0;10;5M" + Esc + "[<0;10;5m" + Esc + "[<2;200;100M" + Esc + "[<66;1;1Mx", "Char:x")]
    [Arguments(Esc + "[M`!!" + Esc + "[Ma!!" + Esc + "[M !!x", "WheelUp | WheelDown | Char:x")]
    // Unknown sequences are swallowed whole, whatever their parameters
    [Arguments(Esc + "[15~" + Esc + "[24;5~x", "Char:x")]
    [Arguments(Esc + "[1;2P" + Esc + "OQx", "Char:x")]
    [Arguments(Esc + "[?1;2c" + Esc + "[>0;276;0c" + Esc + "[12;40Rx", "Char:x")]
    [Arguments(Esc + "[13;5u" + Esc + "[27;5;13~" + Esc + "[97:65;5ux", "Char:x")]
    [Arguments(Esc + "[I" + Esc + "[O" + Esc + "[1;2;3;4;5;6A" + Esc + "[2 qx", "Char:x")]
    [Arguments(Esc + "[201~x", "Char:x")]
    [Arguments(Esc + "[?2004;1$yx", "Char:x")] // a mode report: '$' is an intermediate here, not rxvt's final
    // A sequence broken off by a control byte is dropped, and that byte still counts
    [Arguments(Esc + "[1;5\r", "Enter")]
    [Arguments(Esc + "[1;5" + Esc + "[A", "Up")]
    [Arguments(Esc + "O\t", "Tab")]
    // Glued together
    [Arguments("ab" + Esc + "[Ac" + Esc + "Od\r", "Char:a | Char:b | Up | Char:c | Left+Ctrl | Enter")]
    // Bracketed paste
    [Arguments(Esc + "[200~hello" + Esc + "[201~", "Paste:hello")]
    [Arguments("x" + Esc + "[200~a\r\nb\rc\nd" + Esc + "[201~y", "Char:x | Paste:a\nb\nc\nd | Char:y")]
    [Arguments(Esc + "[200~é😀 " + Esc + "[201~", "Paste:é😀 ")]
    [Arguments(Esc + "[200~" + Esc + "[201~x", "Char:x")]
    public async Task A_sequence_decodes_the_same_whole_split_at_every_byte_boundary_and_byte_by_byte(string input, string expected)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(input);
        await Assert.That(Decode(bytes)).IsEqualTo(expected);
        for (int split = 1; split < bytes.Length; split++)
            await Assert.That(Decode(bytes[..split], bytes[split..])).IsEqualTo(expected).Because($"split after byte {split}");
        await Assert.That(Decode(bytes.Select(b => new[] { b }).ToArray())).IsEqualTo(expected).Because("one byte per read");
    }

    [Test]
    [Arguments("FF", "Char:\uFFFD")]
    [Arguments("80 41", "Char:\uFFFD | Char:A")]
    [Arguments("C3 41", "Char:\uFFFD | Char:A")]
    [Arguments("E2 82 0D", "Char:\uFFFD | Enter")]
    [Arguments("E2 82 1B 5B 41", "Char:\uFFFD | Up")]
    [Arguments("C0 AF", "Char:\uFFFD | Char:\uFFFD")] // overlong '/'
    [Arguments("E0 80 AF", "Char:\uFFFD | Char:\uFFFD | Char:\uFFFD")] // overlong
    [Arguments("ED A0 80", "Char:\uFFFD | Char:\uFFFD | Char:\uFFFD")] // a UTF-16 surrogate
    [Arguments("F4 90 80 80", "Char:\uFFFD | Char:\uFFFD | Char:\uFFFD | Char:\uFFFD")] // above U+10FFFF
    [Arguments("E2 82 E2 82 AC", "Char:\uFFFD | Char:€")]
    [Arguments("F0 9F 98 80 C3", "Char:😀")] // the last character is still incomplete: nothing yet
    public async Task Invalid_UTF8_becomes_one_replacement_character_per_broken_sequence(string hex, string expected)
    {
        byte[] bytes = Hex(hex);
        await Assert.That(Decode(bytes)).IsEqualTo(expected);
        await Assert.That(Decode(bytes.Select(b => new[] { b }).ToArray())).IsEqualTo(expected).Because("one byte per read");
    }

    [Test]
    public async Task A_character_split_across_reads_is_one_character()
    {
        byte[] emoji = Encoding.UTF8.GetBytes("😀");
        await Assert.That(Decode(emoji[..1], emoji[1..3], emoji[3..])).IsEqualTo("Char:😀");
    }

    [Test]
    public async Task A_lone_ESC_waits_for_more_bytes_and_becomes_Escape_when_flushed()
    {
        var events = new List<InputEvent>();
        var decoder = new KeyDecoder(events.Add);
        decoder.Feed("\u001b"u8);
        await Assert.That(decoder.HasPendingEscape).IsTrue();
        await Assert.That(events).IsEmpty();
        decoder.Flush();
        await Assert.That(decoder.HasPendingEscape).IsFalse();
        decoder.Flush(); // nothing pending: no second Escape
        decoder.Feed("b"u8);
        await Assert.That(Describe(events)).IsEqualTo("Escape | Char:b");
    }

    [Test]
    public async Task ESC_then_a_key_in_the_next_read_is_Alt_when_no_flush_came_between()
    {
        await Assert.That(Decode("\u001b"u8.ToArray(), "b"u8.ToArray())).IsEqualTo("Char:b+Alt");
    }

    [Test]
    public async Task Two_ESCs_are_one_Escape_and_one_pending()
    {
        var events = new List<InputEvent>();
        var decoder = new KeyDecoder(events.Add);
        decoder.Feed("\u001b\u001b"u8);
        await Assert.That(decoder.HasPendingEscape).IsTrue();
        decoder.Flush();
        await Assert.That(Describe(events)).IsEqualTo("Escape | Escape");
    }

    [Test]
    [Arguments("\u001b[", "Char:[+Alt")]
    [Arguments("\u001bO", "Char:O+Alt")]
    public async Task ESC_with_a_sequence_introducer_and_nothing_after_it_flushes_as_Alt_of_that_key(string input, string expected)
    {
        var events = new List<InputEvent>();
        var decoder = new KeyDecoder(events.Add);
        decoder.Feed(Encoding.UTF8.GetBytes(input));
        await Assert.That(decoder.HasPendingEscape).IsTrue();
        decoder.Flush();
        await Assert.That(Describe(events)).IsEqualTo(expected);
    }

    [Test]
    public async Task A_sequence_with_parameters_under_way_is_not_flushed_and_completes_later()
    {
        var events = new List<InputEvent>();
        var decoder = new KeyDecoder(events.Add);
        decoder.Feed("\u001b[1;5"u8);
        await Assert.That(decoder.HasPendingEscape).IsFalse();
        decoder.Flush();
        decoder.Feed("D"u8);
        await Assert.That(Describe(events)).IsEqualTo("Left+Ctrl");
    }

    [Test]
    public async Task A_paste_keeps_newlines_ESC_and_CSI_look_alikes_as_text()
    {
        string body = "line 1\nline 2\u001b[A\u001b[200~inner\u001b\u001b[201x\u001b[20\u001b[201";
        string pasted = Decode(Encoding.UTF8.GetBytes($"\u001b[200~{body}\u001b[201~ok"));
        await Assert.That(pasted).IsEqualTo($"Paste:{body} | Char:o | Char:k");
    }

    [Test]
    public async Task A_paste_end_marker_split_across_reads_ends_the_paste()
    {
        byte[] start = "\u001b[200~abc\u001b[2"u8.ToArray();
        await Assert.That(Decode(start, "01"u8.ToArray(), "~"u8.ToArray(), "\r"u8.ToArray())).IsEqualTo("Paste:abc | Enter");
    }

    [Test]
    public async Task A_pasted_Enter_is_text_not_a_key()
    {
        var events = new List<InputEvent>();
        var decoder = new KeyDecoder(events.Add);
        decoder.Feed("\u001b[200~first\r\rsecond\r\n"u8);
        await Assert.That(events).IsEmpty();
        decoder.Feed("\u001b[201~"u8);
        await Assert.That(Describe(events)).IsEqualTo("Paste:first\n\nsecond\n");
    }

    [Test]
    public async Task A_paste_longer_than_the_cap_keeps_the_first_MiB_cut_at_a_whole_character()
    {
        // "ab", then 3-byte characters: the cap falls after the first two bytes of one of them.
        var body = new StringBuilder("ab");
        while (body.Length < KeyDecoder.MaxPasteBytes / 3 + 10)
            body.Append('€');
        var events = new List<InputEvent>();
        var decoder = new KeyDecoder(events.Add);
        decoder.Feed(Encoding.UTF8.GetBytes($"\u001b[200~{body}\u001b[201~x"));

        await Assert.That(events.Count).IsEqualTo(2);
        string text = events[0].Text!;
        int keptBytes = Encoding.UTF8.GetByteCount(text);
        await Assert.That(keptBytes).IsLessThanOrEqualTo(KeyDecoder.MaxPasteBytes);
        await Assert.That(keptBytes).IsGreaterThan(KeyDecoder.MaxPasteBytes - 3);
        await Assert.That(text.Contains('\uFFFD')).IsFalse();
        await Assert.That(text).IsEqualTo(body.ToString(0, text.Length));
        await Assert.That(events[1]).IsEqualTo(new InputEvent(InputKind.Char, new Rune('x')));
    }

    [Test]
    public async Task Invalid_UTF8_in_a_paste_becomes_replacement_characters()
    {
        byte[] input = [.. "\u001b[200~a"u8, 0xFF, 0xC3, (byte)'b', .. "\u001b[201~"u8];
        await Assert.That(Decode(input)).IsEqualTo("Paste:a\uFFFD\uFFFDb");
    }

    [Test]
    public async Task Ordinary_keys_allocate_nothing()
    {
        int count = 0;
        var decoder = new KeyDecoder(_ => count++);
        byte[] keys = Encoding.UTF8.GetBytes("hello é😀\r\u0001\u001b[A\u001b[1;5D\u001bb\u001bOH\u001b[3~\u001b[<64;1;1M\u007f");

        long allocated = Allocations.InSteadyState(() =>
        {
            count = 0;
            for (int i = 0; i < 1000; i++)
                decoder.Feed(keys);
        });

        await Assert.That(allocated).IsEqualTo(0L);
        await Assert.That(count).IsEqualTo(1000 * 17);
    }
}
