// Whole full-screen sessions without a terminal or a network (SessionRig): type, send, scroll, resize, a burst, quit,
// suspend and a terminal that goes away, each checked on the cells a person would see and on what the node was told.
using P2PChat.Ui;

namespace P2PChat.Tests.Ui.Sessions;

public class InteractiveSessionTests
{
    [Test]
    public async Task A_typed_line_is_said_once_and_shown_as_ours_with_the_time_and_the_input_field_empties()
    {
        await using SessionRig rig = await SessionRig.StartAsync();
        rig.Keys.Type("hello all");
        await rig.ShowsAsync(screen => screen[^1] == "> hello all", "the typed text in the input field");
        await Assert.That(rig.Node.Said).IsEmpty().Because("nothing is said before Enter");

        rig.Keys.Press(InputKind.Enter);
        await rig.ShowsAsync("09:41 me: hello all");
        await rig.ShowsAsync(screen => screen[^1] == ">", "an empty input field");
        await Assert.That(rig.Node.Said).IsEquivalentTo(["hello all"]);
    }

    [Test]
    public async Task Lines_from_the_network_appear_in_order_under_their_senders_while_typing_goes_on()
    {
        await using SessionRig rig = await SessionRig.StartAsync();
        rig.Keys.Type("half a thou");
        rig.Hear("bob", "first");
        rig.Hear("carol", "second, @me");
        await rig.ShowsAsync("09:41 carol: second, @me");
        string[] screen = rig.Terminal.Screen();
        int bob = Array.FindIndex(screen, row => row.EndsWith("bob: first", StringComparison.Ordinal));
        int carol = Array.FindIndex(screen, row => row.Contains("carol: second", StringComparison.Ordinal));
        await Assert.That(bob).IsGreaterThanOrEqualTo(0);
        await Assert.That(carol).IsEqualTo(bob + 1);
        await Assert.That(screen[^1]).IsEqualTo("> half a thou").Because("a line arriving must not disturb the input");
        await Assert.That(rig.Terminal.StyleAt(carol, screen[carol].IndexOf("second", StringComparison.Ordinal))).Contains("7")
            .Because("a line that mentions us is in reverse video");
    }

    [Test]
    public async Task Page_up_shows_earlier_lines_and_end_returns_to_the_newest()
    {
        await using SessionRig rig = await SessionRig.StartAsync(width: 60, height: 12);
        for (int i = 1; i <= 40; i++)
            rig.Hear("bob", $"line {i:00}");
        await rig.ShowsAsync("bob: line 40");
        await Assert.That(rig.Terminal.Screen().Any(row => row.Contains("line 01"))).IsFalse();

        rig.Keys.Press(InputKind.PageUp);
        rig.Keys.Press(InputKind.PageUp);
        await rig.LacksAsync("line 40");
        await rig.ShowsAsync("bob: line 2"); // two pages of 10 rows back: lines 2x are in view
        rig.Keys.Press(InputKind.End);
        await rig.ShowsAsync("bob: line 40");
    }

    [Test]
    public async Task A_resize_redraws_every_row_at_the_new_size_and_a_tiny_terminal_says_it_is_too_small()
    {
        await using SessionRig rig = await SessionRig.StartAsync(width: 60, height: 12);
        rig.Hear("bob", "a line that needs two rows when narrow");
        await rig.ShowsAsync("bob: a line that needs two rows when narrow");

        rig.Terminal.Resize(30, 8);
        await rig.ShowsAsync(screen => screen.Length == 8 && screen[^2].Contains("me |") && screen.Any(row => row.Contains("bob: a line")),
            "the chat redrawn at 30x8");
        string[] narrow = rig.Terminal.Screen();
        int first = Array.FindIndex(narrow, row => row.Contains("bob: a line"));
        await Assert.That(narrow[first + 1]).IsEqualTo(new string(' ', 10) + "wo rows when narrow")
            .Because("a continuation row is indented under the text (at most a third of the width)");

        rig.Terminal.Resize(19, 3);
        await rig.ShowsAsync(screen => string.Join(' ', screen).Trim() == "terminal too small (19x3): need 20x5", "the notice, wrapped over three rows");
        rig.Terminal.Resize(60, 12);
        await rig.ShowsAsync(screen => screen[^2].StartsWith(" me |", StringComparison.Ordinal) && screen.Any(row => row.Contains("bob: a line")), "the chat back at 60x12");
    }

    [Test]
    public async Task A_burst_of_ten_thousand_lines_is_drawn_in_one_frame_ending_with_the_last()
    {
        await using SessionRig rig = await SessionRig.StartAsync();
        rig.Clock.Hold(); // the frame after the first line of the burst waits until the whole burst is in
        rig.Hear("bob", "burst 1");
        await Eventually.WaitUntil(() => rig.Clock.Held == 1, TimeSpan.FromSeconds(10), "the session to wait out its frame interval");
        int frames = rig.Terminal.Writes;
        for (int i = 2; i <= 10_000; i++)
            rig.Hear("bob", $"burst {i}");
        rig.Clock.Release();
        await rig.ShowsAsync("bob: burst 10000");
        await Assert.That(rig.Terminal.Writes - frames).IsEqualTo(1).Because("a burst is applied whole, then drawn once");
    }

    [Test]
    [Arguments(":quit")]
    [Arguments(":q")]
    public async Task Quitting_ends_the_session_with_exit_code_0(string command)
    {
        await using SessionRig rig = await SessionRig.StartAsync();
        rig.Keys.Enter(command);
        await Assert.That(await rig.EndedAsync()).IsEqualTo(0);
        await Assert.That(rig.Node.Said).IsEmpty().Because("a command is not a message");
    }

    [Test]
    public async Task Ctrl_C_and_Ctrl_D_on_an_empty_line_quit_but_Ctrl_D_after_text_does_not()
    {
        await using (SessionRig rig = await SessionRig.StartAsync())
        {
            rig.Keys.Ctrl('c');
            await Assert.That(await rig.EndedAsync()).IsEqualTo(0);
        }
        await using (SessionRig rig = await SessionRig.StartAsync())
        {
            rig.Keys.Type("ab");
            rig.Keys.Key(new InputEvent(InputKind.Left));
            rig.Keys.Ctrl('d'); // deletes the character under the cursor
            await rig.ShowsAsync(screen => screen[^1] == "> a", "Ctrl-D deleting the b");
            await Assert.That(rig.Run.IsCompleted).IsFalse();
            rig.Keys.Ctrl('u');
            rig.Keys.Ctrl('d');
            await Assert.That(await rig.EndedAsync()).IsEqualTo(0);
        }
    }

    [Test]
    public async Task A_signal_ends_the_session_like_quit()
    {
        await using SessionRig rig = await SessionRig.StartAsync();
        rig.Signal();
        await Assert.That(await rig.EndedAsync()).IsEqualTo(0);
    }

    [Test]
    public async Task A_terminal_that_vanishes_ends_the_session_cleanly()
    {
        await using SessionRig rig = await SessionRig.StartAsync();
        rig.Terminal.Vanished = true;
        rig.Hear("bob", "nobody will see this");
        rig.Keys.End(); // the key reader's read failed: the terminal is gone
        await Assert.That(await rig.EndedAsync()).IsEqualTo(0);
    }

    [Test]
    public async Task Ctrl_Z_hands_the_screen_back_suspends_and_redraws_everything_on_return()
    {
        await using SessionRig rig = await SessionRig.StartAsync();
        rig.Hear("bob", "before the suspend");
        await rig.ShowsAsync("bob: before the suspend");
        int frames = rig.Terminal.Writes;
        rig.Keys.Ctrl('z');
        await Eventually.WaitUntil(() => rig.Terminal.Enters == 1 && rig.Terminal.Writes > frames, TimeSpan.FromSeconds(10), "the screen taken back and drawn");
        await Assert.That(rig.Keys.Suspends).IsEqualTo(1);
        await Assert.That(rig.Terminal.Leaves).IsEqualTo(1);
        await Assert.That(rig.Terminal.Frames[^1]).Contains("\x1b[2J").Because("the screen after fg is not ours to trust: a full redraw");
        await rig.ShowsAsync("bob: before the suspend");
    }

    [Test]
    public async Task The_status_bar_counts_who_is_online_and_linked_as_the_network_reports_them()
    {
        await using SessionRig rig = await SessionRig.StartAsync(width: 100);
        await rig.ShowsAsync("1 online, 0 peers connected");
        P2PChat.Net.MemberInfo bob = rig.Node.Add("bob", 0xb0b, linked: true);
        rig.Session.OnLinkOpened(rig.Node.Linked[0]);
        rig.Session.OnMemberJoined(bob, isNew: true);
        await rig.ShowsAsync("2 online, 1 peer connected");
        await rig.ShowsAsync("* bob joined");
    }

    [Test]
    public async Task Commands_run_from_the_input_field_and_answer_in_the_message_area()
    {
        await using SessionRig rig = await SessionRig.StartAsync(width: 100, height: 16);
        rig.Node.Add("bob", 0xb0b, linked: true);
        rig.Keys.Enter(":peers");
        await rig.ShowsAsync("online (2): me (you), bob");
        rig.Keys.Enter(":me waves");
        await rig.ShowsAsync("* me waves");
        await Assert.That(rig.Node.Said).IsEquivalentTo([ActionText.Make("waves")]);
        rig.Keys.Enter(":msg bob psst");
        await rig.ShowsAsync("to bob (private): psst");
        await Assert.That(rig.Node.SaidPrivately).IsEquivalentTo([(0xb0bUL, "psst")]);
        rig.Keys.Enter(":clear");
        await rig.LacksAsync("psst");
        rig.Keys.Enter(":)");
        await rig.ShowsAsync("me: :)");
    }

    [Test]
    public async Task Nick_renames_us_everywhere_we_are_shown_and_a_bad_name_changes_nothing()
    {
        await using SessionRig rig = await SessionRig.StartAsync(width: 80);
        rig.Keys.Enter(":nick zed");
        await rig.ShowsAsync("* you are now zed");
        await rig.ShowsAsync(screen => screen[^2].StartsWith(" zed | listening", StringComparison.Ordinal), "the status bar under the new name");
        await Assert.That(rig.Node.Name).IsEqualTo("zed");
        rig.Keys.Enter("hi, I am zed");
        await rig.ShowsAsync("09:41 zed: hi, I am zed");
        rig.Hear("bob", "hello @zed");
        await rig.ShowsAsync("bob: hello @zed");
        string[] screen = rig.Terminal.Screen();
        int row = Array.FindIndex(screen, r => r.Contains("bob: hello @zed", StringComparison.Ordinal));
        await Assert.That(rig.Terminal.StyleAt(row, screen[row].IndexOf("hello", StringComparison.Ordinal))).Contains("7")
            .Because("@zed mentions us now");

        rig.Keys.Enter(":nick " + new string('x', 40));
        await rig.ShowsAsync("* name not changed:");
        rig.Keys.Enter(":nick");
        await rig.ShowsAsync("* usage: :nick NEW");
        await Assert.That(rig.Node.Name).IsEqualTo("zed");
    }

    [Test]
    public async Task Someone_else_renaming_is_shown_as_old_is_now_new()
    {
        await using SessionRig rig = await SessionRig.StartAsync();
        P2PChat.Net.MemberInfo bob = rig.Node.Add("bob", 0xb0b);
        rig.Session.OnMemberRenamed(bob with { Name = "rob\u001b[2J" }, "bob");
        await rig.ShowsAsync("* bob is now rob^[[2J");
    }
}
