// The wire codec as a pure function over bytes: FrameWriter output read back by FrameReader, frames split and
// glued, and every length cap and malformed body the reader must refuse.
using System.Buffers.Binary;
using System.Text;
using P2PChat.Net;

namespace P2PChat.Tests;

public class FrameCodecTests
{
    private sealed record ParsedHello(string? Error, ulong Node, ushort ListenPort, string Name);
    // Node here is the HELLO's epoch: the node id itself is derived from key and epoch (NodeKeys.Origin).

    private sealed record ParsedChat(string? Error, MessageId Id, long TimeMs, string Name, byte[] Text);

    private static byte[] Hello(ulong node, ushort port, string name)
    {
        byte[] nameUtf8 = Encoding.UTF8.GetBytes(name);
        var frame = new byte[FrameWriter.HelloSize(nameUtf8)];
        int written = FrameWriter.WriteHello(frame, new byte[Protocol.KeySize], node, port, nameUtf8);
        if (written != frame.Length)
            throw new InvalidOperationException($"WriteHello wrote {written} bytes, HelloSize said {frame.Length}");
        return frame;
    }

    private static byte[] Chat(MessageId id, long timeMs, byte[] name, byte[] text)
    {
        // A seal of the right shape (a batch of one, no path); whether it verifies is LineVerifier's business.
        var seal = new byte[FrameWriter.SealHeaderSize];
        FrameWriter.WriteSealHeader(seal, new byte[Protocol.KeySize], 1, Math.Max(id.Seq, 1), 1, new byte[Protocol.SignatureSize]);
        var frame = new byte[FrameWriter.ChatSize(name, text, 0)];
        int written = FrameWriter.WriteChat(frame, id, timeMs, name, text, seal, []);
        if (written != frame.Length)
            throw new InvalidOperationException($"WriteChat wrote {written} bytes, ChatSize said {frame.Length}");
        return frame;
    }

    private static byte[] Chat(MessageId id, long timeMs, string name, string text) =>
        Chat(id, timeMs, Encoding.UTF8.GetBytes(name), Encoding.UTF8.GetBytes(text));

    /// <summary>The body of a CHAT frame (no length prefix).</summary>
    private static byte[] ChatBody(ulong seq, byte[] name, byte[] text) => Chat(new MessageId(7, seq), 1, name, text)[Protocol.LengthPrefixSize..];

    private static byte[] HelloBody(ulong node, ushort port, string name) => Hello(node, port, name)[Protocol.LengthPrefixSize..];

    private static (FrameStatus Status, byte[] Body, int Consumed) Read(byte[] buffer)
    {
        FrameStatus status = FrameReader.TryReadFrame(buffer, out ReadOnlySpan<byte> body, out int consumed);
        return (status, body.ToArray(), consumed);
    }

    private static ParsedHello ParseHello(byte[] body)
    {
        string? error = FrameReader.TryParseHello(body, out HelloView hello);
        return new ParsedHello(error, hello.Epoch, hello.ListenPort, Encoding.UTF8.GetString(hello.Name));
    }

    private static ParsedChat ParseChat(byte[] body)
    {
        string? error = FrameReader.TryParseChat(body, out ChatView chat);
        return new ParsedChat(error, chat.Id, chat.TimeMs, Encoding.UTF8.GetString(chat.Name), chat.Text.ToArray());
    }

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    private static byte[] Prefix(uint length)
    {
        var prefix = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(prefix, length);
        return prefix;
    }

    [Test]
    [Arguments(1UL, (ushort)1, "a")]
    [Arguments(0x0123456789ABCDEFUL, (ushort)54321, "alice")]
    [Arguments(ulong.MaxValue, ushort.MaxValue, "Zoë 李 🙂")]
    [Arguments(42UL, (ushort)0, "abcdefghijklmnopqrstuvwxyz012345")] // exactly 32 bytes
    public async Task Hello_round_trips_through_writer_and_reader(ulong node, ushort port, string name)
    {
        byte[] frame = Hello(node, port, name);

        var (status, body, consumed) = Read(frame);
        ParsedHello hello = ParseHello(body);

        await Assert.That(status).IsEqualTo(FrameStatus.Complete);
        await Assert.That(consumed).IsEqualTo(frame.Length);
        await Assert.That(hello.Error).IsNull();
        await Assert.That(hello.Node).IsEqualTo(node);
        await Assert.That(hello.ListenPort).IsEqualTo(port);
        await Assert.That(hello.Name).IsEqualTo(name);
    }

    [Test]
    [Arguments(1UL, 1UL, 0L, "a", "x")]
    [Arguments(0xFEDCBA9876543210UL, ulong.MaxValue, long.MinValue, "bob", "hello, world")]
    [Arguments(3UL, 99UL, -1L, "李小龍", "control chars travel as-is: \u001b[31m \u0007 \n \u009b")]
    [Arguments(ulong.MaxValue, 12345UL, long.MaxValue, "🙂🙂🙂🙂🙂🙂🙂🙂", "emoji 🙂 and CJK 漢字")]
    public async Task Chat_round_trips_through_writer_and_reader(ulong origin, ulong seq, long timeMs, string name, string text)
    {
        byte[] frame = Chat(new MessageId(origin, seq), timeMs, name, text);

        var (status, body, consumed) = Read(frame);
        ParsedChat chat = ParseChat(body);

        await Assert.That(status).IsEqualTo(FrameStatus.Complete);
        await Assert.That(consumed).IsEqualTo(frame.Length);
        await Assert.That(chat.Error).IsNull();
        await Assert.That(chat.Id).IsEqualTo(new MessageId(origin, seq));
        await Assert.That(chat.TimeMs).IsEqualTo(timeMs);
        await Assert.That(chat.Name).IsEqualTo(name);
        await Assert.That(Encoding.UTF8.GetString(chat.Text)).IsEqualTo(text);
    }

    [Test]
    public async Task Chat_with_the_largest_name_and_text_round_trips()
    {
        byte[] name = Encoding.UTF8.GetBytes(new string('n', Protocol.MaxNameBytes));
        byte[] text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("🙂", Protocol.MaxTextBytes / 4)));
        byte[] frame = Chat(new MessageId(1, 2), 3, name, text);

        var (status, body, _) = Read(frame);
        ParsedChat chat = ParseChat(body);

        await Assert.That(text.Length).IsEqualTo(Protocol.MaxTextBytes);
        await Assert.That(status).IsEqualTo(FrameStatus.Complete);
        await Assert.That(chat.Error).IsNull();
        await Assert.That(chat.Text.SequenceEqual(text)).IsTrue();
    }

    [Test]
    [Arguments("hi")]
    [Arguments("a longer message with emoji 🙂 so a split lands inside a rune")]
    public async Task Chat_frame_split_at_every_byte_boundary_is_incomplete_until_whole(string text)
    {
        byte[] frame = Chat(new MessageId(11, 22), 33, "split", text);
        var failures = new List<string>();

        for (int cut = 0; cut < frame.Length; cut++)
        {
            var (status, _, consumed) = Read(frame[..cut]);
            if (status != FrameStatus.Incomplete || consumed != 0)
                failures.Add($"prefix of {cut}/{frame.Length} bytes gave {status} (consumed {consumed})");

            // The prefix followed by the rest (what the receive loop does) is the whole frame again.
            byte[] joined = [.. frame[..cut], .. frame[cut..]];
            var (wholeStatus, body, wholeConsumed) = Read(joined);
            ParsedChat chat = ParseChat(body);
            if (wholeStatus != FrameStatus.Complete || wholeConsumed != frame.Length || chat.Error is not null
                || Encoding.UTF8.GetString(chat.Text) != text)
                failures.Add($"cut at {cut} then joined gave {wholeStatus}, consumed {wholeConsumed}, error {chat.Error}");
        }

        await Assert.That(failures).IsEmpty();
        await Assert.That(Read(frame).Status).IsEqualTo(FrameStatus.Complete);
    }

    [Test]
    public async Task Frames_glued_in_one_buffer_are_read_in_order()
    {
        byte[] hello = Hello(5, 6000, "glue");
        byte[][] chats = [.. Enumerable.Range(1, 5).Select(i => Chat(new MessageId(5, (ulong)i), i, "glue", $"message {i}"))];
        byte[] tail = Chat(new MessageId(5, 6), 6, "glue", "cut off")[..10];
        byte[] buffer = [.. hello, .. chats.SelectMany(c => c), .. tail];

        var seen = new List<string>();
        int offset = 0;
        while (true)
        {
            var (status, body, consumed) = Read(buffer[offset..]);
            if (status != FrameStatus.Complete)
            {
                seen.Add(status.ToString());
                break;
            }
            seen.Add(body[0] == (byte)FrameType.Hello
                ? "HELLO " + ParseHello(body).Name
                : "CHAT " + Encoding.UTF8.GetString(ParseChat(body).Text));
            offset += consumed;
        }

        await Assert.That(string.Join(" | ", seen)).IsEqualTo(
            "HELLO glue | CHAT message 1 | CHAT message 2 | CHAT message 3 | CHAT message 4 | CHAT message 5 | Incomplete");
        await Assert.That(buffer.Length - offset).IsEqualTo(tail.Length);
    }

    [Test]
    public async Task Zero_length_prefix_is_an_empty_frame()
    {
        await Assert.That(Read([0, 0, 0, 0]).Status).IsEqualTo(FrameStatus.Empty);
        await Assert.That(Read([0, 0, 0, 0, 2, 3, 4]).Status).IsEqualTo(FrameStatus.Empty);
    }

    [Test]
    [Arguments((uint)Protocol.MaxFrameBody + 1)]
    [Arguments(0x00010000u)]
    [Arguments(0x7FFFFFFFu)]
    [Arguments(0x80000000u)]
    [Arguments(0xFFFFFFFFu)]
    public async Task Length_above_the_cap_is_refused_from_the_prefix_alone(uint length)
    {
        var (status, _, consumed) = Read(Prefix(length));

        await Assert.That(status).IsEqualTo(FrameStatus.TooLarge);
        await Assert.That(consumed).IsEqualTo(0);
    }

    [Test]
    public async Task Length_at_the_cap_waits_for_its_body_and_then_completes()
    {
        byte[] frame = [.. Prefix(Protocol.MaxFrameBody), .. new byte[Protocol.MaxFrameBody]];

        await Assert.That(Read(frame[..4]).Status).IsEqualTo(FrameStatus.Incomplete);
        await Assert.That(Read(frame[..^1]).Status).IsEqualTo(FrameStatus.Incomplete);
        var (status, body, consumed) = Read(frame);
        await Assert.That(status).IsEqualTo(FrameStatus.Complete);
        await Assert.That(body.Length).IsEqualTo(Protocol.MaxFrameBody);
        await Assert.That(consumed).IsEqualTo(Protocol.MaxFrameSize);
    }

    [Test]
    [Arguments("")]
    [Arguments("00")]
    [Arguments("00 00 40")]
    public async Task Fewer_than_four_bytes_are_incomplete(string hex)
    {
        await Assert.That(Read(Hex(hex)).Status).IsEqualTo(FrameStatus.Incomplete);
    }

    // ---- CHAT bodies that must be refused ----

    [Test]
    [Arguments("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "name")] // 33 bytes
    [Arguments("a\u0007b", "name")]
    [Arguments("tab\there", "name")]
    [Arguments("esc\u001b", "name")]
    [Arguments("del\u007f", "name")]
    [Arguments("c1\u009b", "name")]
    [Arguments("", "name")]
    [Arguments(" padded", "name")]
    public async Task Chat_with_a_bad_sender_name_is_refused(string name, string reasonMentions)
    {
        ParsedChat chat = ParseChat(ChatBody(1, Encoding.UTF8.GetBytes(name), "hello"u8.ToArray()));

        await Assert.That(chat.Error).IsNotNull();
        await Assert.That(chat.Error!).Contains(reasonMentions);
    }

    [Test]
    [Arguments("C3 28")] // lead byte followed by a non-continuation
    [Arguments("C0 AF")] // overlong '/'
    [Arguments("E0 80 AF")] // overlong '/', three bytes
    [Arguments("ED A0 80")] // UTF-16 surrogate D800 encoded in UTF-8
    [Arguments("ED BF BF")] // surrogate DFFF
    [Arguments("F4 90 80 80")] // above U+10FFFF
    [Arguments("F5 80 80 80")]
    [Arguments("80")] // lone continuation byte
    [Arguments("61 E2 82")] // truncated euro sign at the end
    [Arguments("FF")]
    public async Task Chat_with_invalid_utf8_text_is_refused(string textHex)
    {
        ParsedChat chat = ParseChat(ChatBody(1, "bob"u8.ToArray(), Hex(textHex)));

        await Assert.That(chat.Error).IsNotNull();
        await Assert.That(chat.Error!).Contains("UTF-8");
    }

    [Test]
    public async Task Chat_with_empty_text_is_refused()
    {
        ParsedChat chat = ParseChat(ChatBody(1, "bob"u8.ToArray(), []));

        await Assert.That(chat.Error).IsEqualTo("empty CHAT text");
    }

    [Test]
    [Arguments(Protocol.MaxTextBytes + 1)]
    [Arguments(Protocol.MaxFrameBody - Protocol.ChatHeaderSize - Protocol.SealFixedSize - 4)] // the most a frame could carry (name "bob", no tags)
    public async Task Chat_text_longer_than_the_cap_is_refused(int textBytes)
    {
        byte[] body = ChatBody(1, "bob"u8.ToArray(), Encoding.UTF8.GetBytes(new string('x', textBytes)));
        var (status, _, _) = Read([.. Prefix((uint)body.Length), .. body]);

        ParsedChat chat = ParseChat(body);

        await Assert.That(status).IsEqualTo(FrameStatus.Complete);
        await Assert.That(chat.Error).IsNotNull();
        await Assert.That(chat.Error!).Contains("too long");
    }

    [Test]
    public async Task Chat_with_sequence_zero_is_refused()
    {
        ParsedChat chat = ParseChat(ChatBody(0, "bob"u8.ToArray(), "hi"u8.ToArray()));

        await Assert.That(chat.Error).IsNotNull();
        await Assert.That(chat.Error!).Contains("sequence 0");
    }

    [Test]
    [Arguments(200)] // name "bob" is 3 bytes, then the seal (114 bytes): past the end
    [Arguments(255)]
    public async Task Chat_name_length_pointing_past_the_body_is_refused(int nameLength)
    {
        byte[] body = ChatBody(1, "bob"u8.ToArray(), []);
        body[Protocol.ChatHeaderSize - 1] = (byte)nameLength;

        ParsedChat chat = ParseChat(body);

        await Assert.That(chat.Error).IsNotNull();
        await Assert.That(chat.Error!).Contains("name length");
    }

    [Test]
    [Arguments(0)]
    [Arguments(1)]
    [Arguments(Protocol.ChatHeaderSize - 1)]
    public async Task Chat_body_shorter_than_its_header_is_refused(int length)
    {
        byte[] body = ChatBody(1, "bob"u8.ToArray(), "hi"u8.ToArray())[..length];

        await Assert.That(ParseChat(body).Error).IsEqualTo("malformed CHAT");
    }

    [Test]
    public async Task Hello_body_is_not_parsed_as_a_chat()
    {
        await Assert.That(ParseChat(HelloBody(1, 2, "a-long-enough-name")).Error).IsEqualTo("malformed CHAT");
    }

    // ---- HELLO bodies that must be refused ----

    [Test]
    [Arguments(0x00000000u)]
    [Arguments(0x50325044u)]
    [Arguments(0x47455420u)] // "GET ": a stray HTTP client
    public async Task Hello_with_bad_magic_is_refused(uint magic)
    {
        byte[] body = HelloBody(1, 2, "alice");
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1), magic);

        ParsedHello hello = ParseHello(body);

        await Assert.That(hello.Error).IsNotNull();
        await Assert.That(hello.Error!).Contains("bad magic");
    }

    [Test]
    [Arguments((byte)0)]
    [Arguments((byte)1)]
    [Arguments((byte)255)]
    public async Task Hello_with_another_protocol_version_is_refused(byte version)
    {
        byte[] body = HelloBody(1, 2, "alice");
        body[5] = version;

        ParsedHello hello = ParseHello(body);

        await Assert.That(hello.Error).IsNotNull();
        await Assert.That(hello.Error!).Contains($"version {version}");
    }

    [Test]
    [Arguments(0)]
    [Arguments(1)]
    [Arguments(Protocol.HelloHeaderSize - 1)]
    public async Task Hello_shorter_than_its_header_is_refused(int length)
    {
        byte[] body = HelloBody(1, 2, "alice")[..length];

        await Assert.That(ParseHello(body).Error).IsEqualTo("malformed HELLO");
    }

    [Test]
    public async Task Chat_body_is_not_parsed_as_a_hello()
    {
        await Assert.That(ParseHello(ChatBody(1, "bob"u8.ToArray(), "hi"u8.ToArray())).Error).IsEqualTo("malformed HELLO");
    }

    [Test]
    [Arguments(0)]
    [Arguments(4)]
    [Arguments(6)]
    [Arguments(255)]
    public async Task Hello_name_length_not_matching_the_body_is_refused(int nameLength)
    {
        byte[] body = HelloBody(1, 2, "alice");
        body[Protocol.HelloHeaderSize - 1] = (byte)nameLength;

        ParsedHello hello = ParseHello(body);

        await Assert.That(hello.Error).IsNotNull();
        await Assert.That(hello.Error!).Contains("name length");
    }

    [Test]
    [Arguments("")]
    [Arguments("a\u0007b")]
    [Arguments("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // 33 bytes
    [Arguments("trailing ")]
    public async Task Hello_with_a_bad_name_is_refused(string name)
    {
        ParsedHello hello = ParseHello(HelloBody(1, 2, name));

        await Assert.That(hello.Error).IsEqualTo("invalid name in HELLO");
    }

    [Test]
    public async Task Hello_with_an_invalid_utf8_name_is_refused()
    {
        byte[] body = [.. HelloBody(1, 2, "")[..(Protocol.HelloHeaderSize - 1)], 2, 0xC3, 0x28, .. new byte[Protocol.SignatureSize]];

        await Assert.That(ParseHello(body).Error).IsEqualTo("invalid name in HELLO");
    }
}
