// End-to-end tests of the interactive UI: alice runs the native binary on a real terminal (a tmux pane), bob is a
// pipe-mode peer joined to her. The screen is read as a person sees it: messages above the status bar, "> " input
// at the bottom.
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace P2PChat.Tests.EndToEnd;

[NotInParallel("e2e")]
public sealed partial class TerminalTests
{
    private const string Typed = "hello from the terminal";

    [Test]
    public async Task A_line_typed_and_entered_shows_above_the_status_bar_clears_the_input_and_reaches_a_pipe_peer()
    {
        Skip.When(!TmuxSession.IsInstalled, "tmux not installed");
        await using TmuxSession alice = await StartAliceAsync();
        await using ChatProcess bob = await JoinBobAsync(alice);

        await alice.TypeAsync(Typed);
        await WaitForScreenAsync(alice, rows => rows[^1].TrimEnd() == $"> {Typed}", $"the input row to read '> {Typed}'");
        await alice.PressAsync("Enter");

        await WaitForScreenAsync(alice, rows => rows[^1].TrimEnd() == ">", "the input row to be cleared to '>'");
        await WaitForScreenAsync(alice, rows => IsAboveStatusBar(rows, $"alice: {Typed}"), $"'alice: {Typed}' above the status bar");
        await bob.WaitForStdoutAsync($"alice: {Typed}");
    }

    [Test]
    public async Task Nick_renames_alice_for_her_peer_and_her_next_line_carries_the_new_name()
    {
        Skip.When(!TmuxSession.IsInstalled, "tmux not installed");
        await using TmuxSession alice = await StartAliceAsync();
        await using ChatProcess bob = await JoinBobAsync(alice);
        await bob.WaitForStderrAsync(line => line is "p2pchat: alice joined" or "p2pchat: alice is online", "alice in bob's roster");

        await alice.TypeAsync(":nick alicia");
        await alice.PressAsync("Enter");
        await WaitForScreenAsync(alice, rows => rows.Any(row => row.Contains("* you are now alicia", StringComparison.Ordinal))
            && rows[^2].StartsWith(" alicia |", StringComparison.Ordinal), "the notice and the status bar under the new name");
        await bob.WaitForStderrAsync(line => line == "p2pchat: alice is now alicia", "'alice is now alicia'");

        await alice.TypeAsync("still me");
        await alice.PressAsync("Enter");
        await bob.WaitForStdoutAsync("alicia: still me");
    }

    [Test]
    public async Task A_line_said_by_a_pipe_peer_shows_above_the_status_bar()
    {
        Skip.When(!TmuxSession.IsInstalled, "tmux not installed");
        await using TmuxSession alice = await StartAliceAsync();
        await using ChatProcess bob = await JoinBobAsync(alice);

        await bob.SayAsync("hi from the pipe");

        await WaitForScreenAsync(alice, rows => IsAboveStatusBar(rows, "bob: hi from the pipe"), "'bob: hi from the pipe' above the status bar");
        await WaitForScreenAsync(alice, rows => rows[^1].TrimEnd() == ">", "the input row to stay '>'");
    }

    [Test]
    public async Task A_multi_line_paste_sends_one_message_per_line_and_keeps_the_unfinished_last_line()
    {
        Skip.When(!TmuxSession.IsInstalled, "tmux not installed");
        await using TmuxSession alice = await StartAliceAsync();
        await using ChatProcess bob = await JoinBobAsync(alice);

        await alice.TypeAsync("note: ");
        await alice.PasteAsync("first pasted line\nsecond pasted line\nstill typing");

        await bob.WaitForStdoutAsync("alice: note: first pasted line");
        await bob.WaitForStdoutAsync("alice: second pasted line");
        await WaitForScreenAsync(alice, rows => rows[^1].TrimEnd() == "> still typing", "the unfinished line left in the input");
        await Assert.That(bob.Stdout.Count(line => line.StartsWith("alice:", StringComparison.Ordinal))).IsEqualTo(2).Because("no stray Enter");
    }

    [Test]
    public async Task Editing_keys_work_in_a_real_terminal()
    {
        Skip.When(!TmuxSession.IsInstalled, "tmux not installed");
        await using TmuxSession alice = await StartAliceAsync();
        await using ChatProcess bob = await JoinBobAsync(alice);

        await alice.TypeAsync("hello wrld");
        await alice.PressAsync("Left", "Left", "Left");
        await alice.TypeAsync("o");
        await alice.PressAsync("M-b", "C-k");
        await alice.TypeAsync("world again");
        await alice.PressAsync("C-a");
        await alice.TypeAsync(">> ");
        await WaitForScreenAsync(alice, rows => rows[^1].TrimEnd() == "> >> hello world again", "the edited line");
        await alice.PressAsync("Enter");
        await bob.WaitForStdoutAsync("alice: >> hello world again");

        await alice.PressAsync("Up");
        await WaitForScreenAsync(alice, rows => rows[^1].TrimEnd() == "> >> hello world again", "the line recalled with Up");
        await alice.PressAsync("C-u");
        await alice.TypeAsync("hi @b");
        await alice.PressAsync("Tab");
        await WaitForScreenAsync(alice, rows => rows[^1].TrimEnd() == "> hi @bob", "the name completed with Tab");
    }

    [Test]
    public async Task Sigterm_leaves_the_chat_gives_the_screen_back_and_exits_0()
    {
        Skip.When(!TmuxSession.IsInstalled, "tmux not installed");
        int port = LoopbackPort.Free();
        await using TmuxSession alice = await StartAliceInAShellAsync(port, " 2>/dev/null; echo \"exit $?\"");
        using (Process kill = Process.Start("pkill", ["-TERM", "-f", $"alice --bind 127.0.0.1 --port {port}"]))
            await kill.WaitForExitAsync();
        await WaitForScreenAsync(alice, rows => rows.Any(row => row.TrimEnd() == "exit 0"), "'exit 0' in the shell");
        await Assert.That(await alice.FormatAsync("#{alternate_on}")).IsEqualTo("0").Because("the user's own screen is back");
    }

    [Test]
    public async Task Ctrl_Z_gives_the_shell_its_screen_back_and_fg_brings_the_chat_back_redrawn()
    {
        Skip.When(!TmuxSession.IsInstalled, "tmux not installed");
        await using TmuxSession alice = await StartAliceInAShellAsync(LoopbackPort.Free());
        await Assert.That(await alice.FormatAsync("#{alternate_on}")).IsEqualTo("1");

        await alice.PressAsync("C-z");
        await WaitForScreenAsync(alice, rows => rows.Any(row => row.Contains("Stopped", StringComparison.Ordinal)), "the shell's 'Stopped' line");
        await Assert.That(await alice.FormatAsync("#{alternate_on}")).IsEqualTo("0").Because("the user's own screen is back");
        await alice.TypeAsync("echo typed in the shell");
        await alice.PressAsync("Enter");
        await WaitForScreenAsync(alice, rows => rows.Any(row => row.TrimEnd() == "typed in the shell"), "the shell's echo (cooked mode)");

        await alice.TypeAsync("fg");
        await alice.PressAsync("Enter");
        await WaitForScreenAsync(alice, rows => rows.Any(row => row.Contains("alice listening on 127.0.0.1 port", StringComparison.Ordinal))
            && rows[^2].Contains(" alice |", StringComparison.Ordinal), "the chat redrawn whole after fg");
        await Assert.That(await alice.FormatAsync("#{alternate_on}")).IsEqualTo("1");
        await alice.TypeAsync("typed after fg");
        await WaitForScreenAsync(alice, rows => rows[^1].TrimEnd() == "> typed after fg", "keys reach the chat again (raw mode back)");

        await alice.PressAsync("C-u");
        await alice.TypeAsync(":quit");
        await alice.PressAsync("Enter");
        await WaitForScreenAsync(alice, rows => rows.Any(row => row.TrimEnd() == "$"), "the shell's prompt after :quit");
    }

    [Test]
    public async Task On_a_dumb_terminal_it_runs_as_a_plain_line_chat_with_the_same_commands()
    {
        Skip.When(!TmuxSession.IsInstalled, "tmux not installed");
        int port = LoopbackPort.Free();
        await using TmuxSession alice = await TmuxSession.StartAsync(
            $"TERM=dumb {TmuxSession.Quote(NativeBinary.Path)} alice --bind 127.0.0.1 --port {port}; sleep 30");
        await WaitForScreenAsync(alice, rows => rows.Any(row => row.Contains("alice listening on 127.0.0.1 port", StringComparison.Ordinal)),
            "the plain 'listening' line");
        await using ChatProcess bob = await ChatProcess.StartPeerAsync("bob", port);

        await bob.SayAsync("hello dumb terminal");
        await WaitForScreenAsync(alice, rows => rows.Any(row => row.TrimEnd() == "bob: hello dumb terminal"), "bob's line as a plain line");
        await alice.TypeAsync("typed on a dumb terminal");
        await alice.PressAsync("Enter");
        await bob.WaitForStdoutAsync("alice: typed on a dumb terminal");
        await Assert.That(await alice.FormatAsync("#{alternate_on}")).IsEqualTo("0").Because("no full-screen UI on TERM=dumb");

        await alice.TypeAsync(":quit");
        await alice.PressAsync("Enter");
        await bob.WaitForStderrAsync(line => line == "p2pchat: alice left (quit)", "'p2pchat: alice left (quit)'");
    }

    [Test]
    public async Task Resizing_while_typing_reflows_everything_keeps_the_typed_text_and_survives_a_tiny_window()
    {
        Skip.When(!TmuxSession.IsInstalled, "tmux not installed");
        await using TmuxSession alice = await StartAliceAsync();
        await using ChatProcess bob = await JoinBobAsync(alice);
        const string Long = "a long line from bob that has to wrap onto several rows when the window is narrow";
        await bob.SayAsync(Long);
        await WaitForScreenAsync(alice, rows => rows.Any(row => row.Contains("bob: a long line", StringComparison.Ordinal)), "bob's long line");
        await alice.TypeAsync("half typed");

        foreach ((int width, int height) in new[] { (30, 10), (100, 30), (20, 5), (15, 4), (60, 12) })
        {
            await alice.ResizeAsync(width, height);
            if (width < 20 || height < 5)
            {
                await WaitForScreenAsync(alice, rows => rows[0].StartsWith("terminal too", StringComparison.Ordinal), $"the too-small notice at {width}x{height}");
                continue;
            }
            await WaitForScreenAsync(alice, rows => rows.Length == height && rows[^1].TrimEnd() == "> half typed",
                $"the typed text on the last row at {width}x{height}");
        }
        string[] screen = await alice.ScreenAsync();
        int status = Array.FindIndex(screen, row => row.StartsWith(" alice | ", StringComparison.Ordinal));
        string shown = string.Concat(screen.Take(status).Select(row => row.TrimEnd()));
        await Assert.That(shown.Replace(" ", "")).Contains(Long.Replace(" ", "")).Because(await alice.DescribeScreenAsync());

        await alice.PressAsync("Enter");
        await bob.WaitForStdoutAsync("alice: half typed");
    }

    [Test]
    public async Task Page_up_shows_older_lines_with_a_marker_that_counts_new_ones_and_end_returns()
    {
        Skip.When(!TmuxSession.IsInstalled, "tmux not installed");
        await using TmuxSession alice = await StartAliceAsync();
        await using ChatProcess bob = await JoinBobAsync(alice);
        for (int i = 1; i <= 40; i++)
            await bob.SayAsync($"line {i:00}");
        await WaitForScreenAsync(alice, rows => IsAboveStatusBar(rows, "bob: line 40"), "bob's 40th line");

        await alice.PressAsync("PPage");
        await WaitForScreenAsync(alice, rows => rows.Any(row => row.StartsWith("-- more below (End) --", StringComparison.Ordinal))
            && !IsAboveStatusBar(rows, "bob: line 40") && IsAboveStatusBar(rows, "bob: line 19"), "older lines and the scrolled-back marker");
        await alice.PressAsync("PPage");
        await WaitForScreenAsync(alice, rows => IsAboveStatusBar(rows, "bob: line 01"), "the oldest lines");

        await bob.SayAsync("while away");
        await WaitForScreenAsync(alice, rows => rows.Any(row => row.StartsWith("-- 1 new below (End) --", StringComparison.Ordinal)), "the marker counting one new line");
        await alice.PressAsync("End");
        await WaitForScreenAsync(alice, rows => IsAboveStatusBar(rows, "bob: while away") && !rows.Any(row => row.StartsWith("--", StringComparison.Ordinal)),
            "the newest line, and no marker");
    }

    [Test]
    [Arguments(":peers")]
    [Arguments(":who")]
    public async Task Peers_lists_everyone_online_in_the_network_and_the_direct_links(string command)
    {
        Skip.When(!TmuxSession.IsInstalled, "tmux not installed");
        await using TmuxSession alice = await StartAliceAsync();
        await using ChatProcess bob = await JoinBobAsync(alice);
        // carol joins through bob, so alice learns of her from presence, whether or not a link to her opens later.
        await using ChatProcess carol = await ChatProcess.StartPeerAsync("carol", bob.Port);
        await WaitForScreenAsync(alice, rows => rows.Any(row => row.Contains(" 3 online", StringComparison.Ordinal)), "'3 online' in the status bar");

        await alice.TypeAsync(command);
        await alice.PressAsync("Enter");

        await WaitForScreenAsync(alice, rows => IsAboveStatusBar(rows, "* online (3): alice (you), bob, carol"), "the list of users online");
        await WaitForScreenAsync(alice, rows => rows.Any(row => row.Contains("* linked to (", StringComparison.Ordinal) && row.Contains("bob 127.0.0.1:", StringComparison.Ordinal)),
            "the direct links, bob among them");
    }

    [Test]
    [Arguments(":quit")]
    [Arguments(":q")]
    [Arguments("C-c")]
    [Arguments("C-d")]
    public async Task Leaving_with_a_quit_command_or_key_exits_0_restores_the_screen_and_the_pipe_peer_sees_alice_leave(string how)
    {
        Skip.When(!TmuxSession.IsInstalled, "tmux not installed");
        await using TmuxSession alice = await StartAliceAsync();
        await using ChatProcess bob = await JoinBobAsync(alice);
        await Assert.That(await alice.FormatAsync("#{alternate_on}")).IsEqualTo("1").Because("the UI runs on the alternate screen");

        if (how.StartsWith(':'))
        {
            await alice.TypeAsync(how);
            await WaitForScreenAsync(alice, rows => rows[^1].TrimEnd() == $"> {how}", $"the input row to read '> {how}'");
            await alice.PressAsync("Enter");
        }
        else
        {
            await alice.PressAsync(how);
        }

        int code = await alice.WaitForExitAsync();
        await Assert.That(code).IsEqualTo(0).Because(await alice.DescribeScreenAsync());
        await Assert.That(await alice.FormatAsync("#{alternate_on}")).IsEqualTo("0").Because("the user's screen is back");
        await Assert.That(await alice.FormatAsync("#{cursor_flag}")).IsEqualTo("1").Because("the cursor is visible again");
        // The first p2pchat of a test run makes the shared identity and says so on stderr, before the chat's screen.
        string leftOnScreen = string.Join(" / ", (await alice.ScreenAsync()).Where(row => row.Trim().Length > 0)
            .Select(row => row.TrimEnd()).Where(row => !row.StartsWith("p2pchat: made a new identity in ", StringComparison.Ordinal)));
        await Assert.That(leftOnScreen).IsEqualTo("[exited 0]").Because("the user's screen, blank before p2pchat ran, comes back without any chat UI");
        await bob.WaitForStderrAsync(line => line == "p2pchat: alice left (quit)", "'p2pchat: alice left (quit)'");
    }

    /// <summary>A shell in tmux that runs alice on 127.0.0.1 <paramref name="port"/> (with <paramref name="after"/> on
    /// the command line); returns once her chat is on the screen.</summary>
    private static async Task<TmuxSession> StartAliceInAShellAsync(int port, string after = "")
    {
        TmuxSession shell = await TmuxSession.StartAsync("PS1='$ ' bash --norc --noprofile -i");
        try
        {
            await shell.TypeAsync($"{TmuxSession.Quote(NativeBinary.Path)} alice --bind 127.0.0.1 --port {port}{after}");
            await shell.PressAsync("Enter");
            await WaitForScreenAsync(shell, rows => rows.Any(row => row.Contains("alice listening on 127.0.0.1 port", StringComparison.Ordinal)),
                "the chat's screen");
            return shell;
        }
        catch
        {
            await shell.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts alice on 127.0.0.1 with a free port and returns once her status bar shows it.</summary>
    private static async Task<TmuxSession> StartAliceAsync()
    {
        string command = $"{TmuxSession.Quote(NativeBinary.Path)} alice --bind 127.0.0.1 --port 0";
        TmuxSession alice = await TmuxSession.StartAsync(command);
        try
        {
            await WaitForScreenAsync(alice, rows => PortOf(rows) > 0, "a status bar with 'listening on 127.0.0.1 port N'");
            return alice;
        }
        catch
        {
            await alice.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts bob in pipe mode joined to alice; returns once alice's status bar counts him.</summary>
    private static async Task<ChatProcess> JoinBobAsync(TmuxSession alice)
    {
        ChatProcess bob = await ChatProcess.StartPeerAsync("bob", PortOf(await alice.ScreenAsync()));
        try
        {
            await WaitForScreenAsync(alice, rows => rows.Any(row => row.Contains(" 1 peer connected", StringComparison.Ordinal)),
                "'1 peer connected' in the status bar");
            return bob;
        }
        catch
        {
            await bob.DisposeAsync();
            throw;
        }
    }

    private static Task WaitForScreenAsync(TmuxSession session, Func<string[], bool> condition, string expected) =>
        Wait.UntilAsync(async () => condition(await session.ScreenAsync()), expected, session.DescribeScreenAsync);

    /// <summary>True when a whole row reads <paramref name="text"/> (after its "HH:mm " time) somewhere above the
    /// status bar.</summary>
    private static bool IsAboveStatusBar(string[] rows, string text)
    {
        int status = Array.FindIndex(rows, row => StatusBar().IsMatch(row));
        return status > 0 && rows.Take(status).Any(row => TimePrefix().Replace(row.TrimEnd(), "") == text);
    }

    [GeneratedRegex(@"^\d\d:\d\d ")]
    private static partial Regex TimePrefix();

    /// <summary>The listen port the status bar shows; -1 while there is none.</summary>
    private static int PortOf(string[] rows)
    {
        foreach (string row in rows)
            if (StatusBar().Match(row) is { Success: true } match)
                return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        return -1;
    }

    /// <summary>" alice | listening on 127.0.0.1 port 41341 | 2 online, 1 peer connected | :quit to leave".</summary>
    [GeneratedRegex(@"^ alice \| listening on 127\.0\.0\.1 port (\d+) \|")]
    private static partial Regex StatusBar();
}
