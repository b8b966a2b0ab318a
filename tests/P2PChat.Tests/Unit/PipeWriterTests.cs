// Pipe-mode output: one line per message, controls made visible in plain mode and escaped in JSON mode, so
// nothing a peer sends can reach stdout raw.
using System.Text;
using System.Text.Json;
using P2PChat.Net;
using P2PChat.Ui;

namespace P2PChat.Tests;

public class PipeWriterTests
{
    /// <summary>Shows one message through a PipeWriter and returns what it wrote to stdout and stderr.</summary>
    private static (byte[] Stdout, string Stderr) Show(string name, string text, bool json, ulong origin = 0x00ab, ulong seq = 7,
        long timeMs = 1_700_000_000_000)
    {
        using var stdout = new MemoryStream();
        var stderr = new StringWriter();
        var writer = new PipeWriter(stdout, stderr, json);
        byte[] nameUtf8 = Encoding.UTF8.GetBytes(name);
        byte[] textUtf8 = Encoding.UTF8.GetBytes(text);
        var message = new ChatView(new MessageId(origin, seq), timeMs, nameUtf8, textUtf8);
        writer.OnMessage(in message);
        writer.Flush(); // as the node does after each read
        return (stdout.ToArray(), stderr.ToString());
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes);

    [Test]
    [Arguments("bob", "a\u001bb\nc", "bob: a^[b^Jc\n")]
    [Arguments("bob", "\u001b[2J\u001b[Hgotcha\r", "bob: ^[[2J^[[Hgotcha^M\n")]
    [Arguments("李", "🙂 \u009b31m \u007f", "李: 🙂 M-^[31m ^?\n")]
    [Arguments("alice", "plain text", "alice: plain text\n")]
    [Arguments("alice", "\u0001ACTION waves\u0001", "* alice waves\n")]
    [Arguments("alice", "\u0001ACTION \u001b[2J\u0001", "* alice ^[[2J\n")]
    [Arguments("alice", "\u0001ACTION waves", "alice: ^AACTION waves\n")]
    public async Task Plain_message_is_exactly_one_visible_line(string name, string text, string expected)
    {
        var (stdout, stderr) = Show(name, text, json: false);
        string line = Encoding.UTF8.GetString(stdout);

        await Assert.That(line).IsEqualTo(expected);
        await Assert.That(line.Count(c => c == '\n')).IsEqualTo(1);
        await Assert.That(stderr).IsEmpty();
    }

    [Test]
    public async Task Plain_message_of_the_largest_size_with_every_byte_a_control_fits_the_line_buffer()
    {
        string text = new('\u001b', Protocol.MaxTextBytes);

        var (stdout, _) = Show(new string('n', Protocol.MaxNameBytes), text, json: false);

        await Assert.That(stdout.Length).IsEqualTo(Protocol.MaxNameBytes + 2 + 2 * Protocol.MaxTextBytes + 1);
        await Assert.That(stdout[^1]).IsEqualTo((byte)'\n');
        await Assert.That(stdout[..^1].Any(b => b < 0x20)).IsFalse();
    }

    [Test]
    public async Task A_burst_larger_than_the_gathering_buffer_comes_out_whole_and_in_order()
    {
        // The pending output starts small and grows while a burst gathers, up to a cap past which it is written out:
        // short lines and lines of the largest shown size (8 KiB of C1 controls, four bytes each on screen), mixed.
        using var stdout = new MemoryStream();
        var writer = new PipeWriter(stdout, new StringWriter(), json: false);
        var expected = new StringBuilder();
        string widest = new('\u009b', Protocol.MaxTextBytes / 2);
        for (int i = 0; i < 400; i++)
        {
            string text = i % 37 == 5 ? widest : $"line {i}";
            var message = new ChatView(new MessageId(1, (ulong)i + 1), 0, "bob"u8.ToArray(), Encoding.UTF8.GetBytes(text));
            writer.OnMessage(in message);
            expected.Append("bob: ").Append(i % 37 == 5 ? string.Concat(Enumerable.Repeat("M-^[", widest.Length)) : text).Append('\n');
        }
        writer.Flush();

        await Assert.That(Encoding.UTF8.GetString(stdout.ToArray())).IsEqualTo(expected.ToString());
    }

    [Test]
    public async Task A_json_burst_larger_than_the_gathering_buffer_is_one_whole_object_a_line_in_order()
    {
        // As a paste arrives: hundreds of messages gathered before one Flush, past the cap where the pending output is
        // written out in the middle of the burst (a bug of the first hand-written version wrote parts of it twice).
        using var stdout = new MemoryStream();
        var writer = new PipeWriter(stdout, new StringWriter(), json: true);
        for (int i = 0; i < 600; i++)
        {
            string text = i % 50 == 7 ? new string('\u0001', Protocol.MaxTextBytes) : $"line {i} \u001b[31m 🙂 \"q\"";
            var message = new ChatView(new MessageId(1, (ulong)i + 1), 0, "bob"u8.ToArray(), Encoding.UTF8.GetBytes(text));
            writer.OnMessage(in message);
        }
        writer.Flush();

        string[] lines = Encoding.UTF8.GetString(stdout.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        await Assert.That(lines.Length).IsEqualTo(600);
        for (int i = 0; i < lines.Length; i++)
        {
            using JsonDocument parsed = JsonDocument.Parse(lines[i]);
            await Assert.That(parsed.RootElement.GetProperty("seq").GetUInt64()).IsEqualTo((ulong)i + 1);
        }
    }

    [Test]
    [Arguments("bob", "a\u001bb\nc")]
    [Arguments("bob", "bell\u0007 del\u007f csi\u009b31m nel\u0085 tab\t cr\r nul\0")]
    [Arguments("李小龍", "quotes \" and \\ backslash, </script>, 🙂 漢字")]
    [Arguments("Zoë", "line separator \u2028 and paragraph \u2029")]
    public async Task Json_message_is_one_parseable_line_with_the_original_text(string name, string text)
    {
        var (stdout, stderr) = Show(name, text, json: true, origin: 0x0123456789abcdef, seq: 42);

        await Assert.That(stdout[^1]).IsEqualTo((byte)'\n');
        byte[] line = stdout[..^1];
        await Assert.That(line.Any(b => b < 0x20)).IsFalse().Because($"raw output {Hex(stdout)}");
        await Assert.That(line.Any(b => b == 0x7F)).IsFalse().Because($"DEL must be escaped too; raw output {Hex(stdout)}");
        bool rawC1 = Enumerable.Range(0, line.Length - 1).Any(i => line[i] == 0xC2 && line[i + 1] is >= 0x80 and <= 0x9F);
        await Assert.That(rawC1).IsFalse().Because($"raw output {Hex(stdout)}");

        using JsonDocument document = JsonDocument.Parse(line);
        JsonElement root = document.RootElement;
        await Assert.That(root.GetProperty("event").GetString()).IsEqualTo("message");
        await Assert.That(root.GetProperty("name").GetString()).IsEqualTo(name);
        await Assert.That(root.GetProperty("text").GetString()).IsEqualTo(text);
        await Assert.That(root.GetProperty("node").GetString()).IsEqualTo("0123456789abcdef");
        await Assert.That(root.GetProperty("seq").GetUInt64()).IsEqualTo(42UL);
        await Assert.That(root.GetProperty("id").GetString()).IsEqualTo("0123456789abcdef:42");
        await Assert.That(stderr).IsEmpty();
    }

    [Test]
    public async Task An_action_in_json_is_its_text_with_action_true()
    {
        var (stdout, _) = Show("alice", "\u0001ACTION waves at @bob\u0001", json: true);
        using JsonDocument document = JsonDocument.Parse(stdout);
        await Assert.That(document.RootElement.GetProperty("text").GetString()).IsEqualTo("waves at @bob");
        await Assert.That(document.RootElement.GetProperty("action").GetBoolean()).IsTrue();
        var (plain, _) = Show("alice", "hi", json: true);
        await Assert.That(Encoding.UTF8.GetString(plain)).DoesNotContain("action");
    }

    [Test]
    public async Task Json_writes_readable_text_as_utf8_emoji_included_and_controls_escaped()
    {
        var (stdout, _) = Show("bob", "漢字 é ß 🙂 <b> & 'x' + `y` \u202e\u0001", json: true);

        await Assert.That(Encoding.UTF8.GetString(stdout)).Contains("\"text\":\"漢字 é ß 🙂 <b> & 'x' + `y` \\u202E\\u0001\"");
    }

    [Test]
    public async Task A_rename_is_one_notice_on_stderr_and_one_rename_event_in_json()
    {
        using var stdout = new MemoryStream();
        var stderr = new StringWriter();
        var writer = new PipeWriter(stdout, stderr, json: true);
        writer.OnMemberRenamed(new MemberInfo(0x0b0b, "robert\u202e"), "bob");
        writer.Flush();

        await Assert.That(stderr.ToString()).IsEqualTo("p2pchat: bob is now robert<U+202E>\n");
        using JsonDocument document = JsonDocument.Parse(stdout.ToArray());
        JsonElement root = document.RootElement;
        await Assert.That(root.GetProperty("event").GetString()).IsEqualTo("rename");
        await Assert.That(root.GetProperty("name").GetString()).IsEqualTo("robert\u202e");
        await Assert.That(root.GetProperty("from").GetString()).IsEqualTo("bob");
        await Assert.That(root.GetProperty("node").GetString()).IsEqualTo("0000000000000b0b");
    }

    [Test]
    public async Task Json_message_leaves_out_fields_that_do_not_apply()
    {
        // ChatEvent.cs: "Null fields are left out." A message has no address and no reason.
        var (stdout, _) = Show("bob", "hi", json: true);

        using JsonDocument document = JsonDocument.Parse(stdout);
        string[] names = [.. document.RootElement.EnumerateObject().Select(p => p.Name)];
        await Assert.That(string.Join(",", names)).IsEqualTo("event,name,node,id,seq,time,text");
    }

    [Test]
    [Arguments(1_700_000_000_000L, "2023-11-14T22:13:20.0000000+00:00")]
    [Arguments(-5L, "1970-01-01T00:00:00.0000000+00:00")] // clamped, not thrown
    [Arguments(long.MaxValue, "9999-12-31T23:59:59.9990000+00:00")]
    public async Task Json_time_is_iso_8601_and_a_wild_sender_clock_is_clamped(long timeMs, string expected)
    {
        var (stdout, _) = Show("bob", "hi", json: true, timeMs: timeMs);

        using JsonDocument document = JsonDocument.Parse(stdout);
        await Assert.That(document.RootElement.GetProperty("time").GetString()).IsEqualTo(expected);
    }

    /// <summary>stdout whose reader went away: every write fails as a broken pipe does.</summary>
    private sealed class BrokenPipe : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("Broken pipe");
        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("Broken pipe");
        public override void WriteByte(byte value) => throw new IOException("Broken pipe");
        public override void Flush() => throw new IOException("Broken pipe");
    }

    private static Exception? ShowOnBrokenPipe(bool json)
    {
        var writer = new PipeWriter(new BrokenPipe(), new StringWriter(), json);
        var message = new ChatView(new MessageId(1, 1), 0, "bob"u8, "hi"u8);
        try
        {
            writer.OnMessage(in message);
            writer.Flush();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    [Test]
    [Arguments(false)]
    [Arguments(true)]
    public async Task Closed_stdout_does_not_throw_into_the_network_thread(bool json)
    {
        // OnMessage runs on a socket thread: an exception there is unhandled and ends the process
        // (e.g. `p2pchat --json | head -1` once head has exited).
        Exception? thrown = ShowOnBrokenPipe(json);

        await Assert.That(thrown).IsNull().Because($"{thrown?.GetType().Name}: {thrown?.Message}");
    }
}
