// What a person is told when lines of a sender are lost for good, in each mode: one INFO line in the full UI, one
// stderr line in pipe and line mode (stdout keeps its `NAME: TEXT` contract), a "lost" event in --json. The sender's
// name is a peer's text: shown through the sanitiser and with a fingerprint where names look alike.
using System.Text;
using System.Text.Json;
using P2PChat.Net;
using P2PChat.Net.Identity;
using P2PChat.Ui;

namespace P2PChat.Tests.Ui;

public class LossNoticeTests
{
    private static byte[] Key(byte first, byte second)
    {
        var key = new byte[32];
        key[0] = first;
        key[1] = second;
        return key;
    }

    private static readonly byte[] AliceKey = Key(0x3f, 0x2a);

    /// <summary>A NameBook that has met a look-alike of alice, so alice is shown with her fingerprint.</summary>
    private static NameBook LookAlikes()
    {
        var book = new NameBook("me", Key(1, 0));
        book.Label("аlice", Key(0x91, 0xc0), out _); // Cyrillic а
        return book;
    }

    private static (string Stdout, string Stderr) Pipe(LostLines lost, bool json, NameBook? names = null)
    {
        using var stdout = new MemoryStream();
        var stderr = new StringWriter();
        var writer = new PipeWriter(stdout, stderr, json) { Names = names };
        writer.OnLinesLost(lost);
        writer.Flush();
        return (Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }

    [Test]
    public async Task Pipe_mode_tells_stderr_with_the_fingerprinted_name_and_leaves_stdout_to_messages()
    {
        var (stdout, stderr) = Pipe(new LostLines(0x42, "alice", 12) { Key = AliceKey }, json: false, LookAlikes());

        await Assert.That(stderr).IsEqualTo("p2pchat: 12 lines from alice#3f2a were lost on the way and cannot be recovered\n");
        await Assert.That(stdout).IsEmpty();
    }

    [Test]
    [Arguments("ev\u001b[2Jil", "ev^[[2Jil")]
    [Arguments("bob\u202egnp.exe", "bob<U+202E>gnp.exe")]
    [Arguments("nl\nhere", "nl^Jhere")]
    public async Task A_name_with_controls_is_shown_sanitised_in_pipe_mode(string name, string shown)
    {
        var (stdout, stderr) = Pipe(new LostLines(0x42, name, 1) { Key = Key(5, 6) }, json: false);

        await Assert.That(stderr).IsEqualTo($"p2pchat: 1 line from {shown} was lost on the way and cannot be recovered\n");
        await Assert.That(stdout).IsEmpty();
    }

    [Test]
    public async Task Json_mode_writes_a_lost_event_with_the_count_and_the_label()
    {
        var (stdout, stderr) = Pipe(new LostLines(0x0123456789abcdef, "alice", 12) { Key = AliceKey }, json: true, LookAlikes());

        await Assert.That(stdout.Count(c => c == '\n')).IsEqualTo(1);
        using JsonDocument document = JsonDocument.Parse(stdout);
        JsonElement root = document.RootElement;
        await Assert.That(root.GetProperty("event").GetString()).IsEqualTo("lost");
        await Assert.That(root.GetProperty("name").GetString()).IsEqualTo("alice");
        await Assert.That(root.GetProperty("node").GetString()).IsEqualTo("0123456789abcdef");
        await Assert.That(root.GetProperty("label").GetString()).IsEqualTo("alice#3f2a");
        await Assert.That(root.GetProperty("count").GetUInt64()).IsEqualTo(12UL);
        await Assert.That(root.GetProperty("key").GetString()).IsEqualTo(Convert.ToHexStringLower(AliceKey));
        await Assert.That(stderr).Contains("12 lines from alice#3f2a were lost");
    }

    [Test]
    public async Task A_summary_of_several_senders_names_none()
    {
        var (stdout, stderr) = Pipe(new LostLines(0, "", 30) { Senders = 3 }, json: true);

        await Assert.That(stderr).IsEqualTo("p2pchat: 30 lines from 3 senders were lost on the way and cannot be recovered\n");
        using JsonDocument document = JsonDocument.Parse(stdout);
        string[] fields = [.. document.RootElement.EnumerateObject().Select(p => p.Name)];
        await Assert.That(string.Join(",", fields)).IsEqualTo("event,count,senders");
    }

    [Test]
    public async Task The_full_ui_shows_one_sanitised_info_line_in_the_message_field()
    {
        var session = new InteractiveSession("me", null, TimeProvider.System);
        session.OnLinesLost(new LostLines(0x42, "ev\u001b[2Jil", 12) { Key = Key(5, 6) });

        await Assert.That(session.Posted.TryRead(out UiEvent posted)).IsTrue();
        await Assert.That(session.Posted.TryRead(out _)).IsFalse().Because("one notice, one line");
        await Assert.That(posted.Line.Kind).IsEqualTo(LineKind.Info);
        await Assert.That(posted.Line.Text).IsEqualTo("* 12 lines from ev^[[2Jil were lost on the way and cannot be recovered");

        var terminal = new FakeTerminal(100, 5);
        var screen = new ChatScreen { Status = " me" };
        screen.Add(posted.Line);
        new ScreenRenderer(terminal, colors: false).Render(screen);
        await Assert.That(terminal.Row(2)).IsEqualTo($"{posted.Line.Time} * 12 lines from ev^[[2Jil were lost on the way and cannot be recovered");
    }
}
