// The one table of chat commands (ChatCommands) as each front end meets it: what is a command and what is a message,
// :help and Tab completion read from the table, commands that belong to one surface only, and :clear on the screen.
// Commands that need a node (:peers, :msg, :nick) run against a fake one in Sessions/InteractiveSessionTests, and end to
// end in TerminalTests and PrivateLineTests.
using P2PChat.Net;
using P2PChat.Net.Identity;
using P2PChat.Ui;

namespace P2PChat.Tests.Ui;

public class ChatCommandsTests
{
    private sealed class FakeHost(CommandSurface surface, ISessionNode? node = null) : ICommandHost
    {
        public readonly List<string> Shown = [];
        public readonly List<string> Actions = [];
        public bool Quitted, Cleared;

        public ISessionNode Node => node ?? throw new InvalidOperationException("this test's commands need no node");

        public NameBook? Names => null;

        public CommandSurface Surface => surface;

        public long NowMs => 1_700_000_000_000;

        public void Info(string text) => Shown.Add(text);

        public void ShowOwn(string text) => Shown.Add("own: " + text);

        public void SayAction(string action) => Actions.Add(action);

        public string? NewName;

        public void Renamed(string name) => NewName = name;

        public void Quit() => Quitted = true;

        public void Clear() => Cleared = true;
    }

    [Test]
    public async Task Smileys_and_lines_that_only_start_with_a_colon_are_messages_everywhere()
    {
        foreach (CommandSurface surface in new[] { CommandSurface.FullScreen, CommandSurface.LineMode, CommandSurface.PipeMode })
        {
            var host = new FakeHost(surface);
            foreach (string line in new[] { ":)", ":D lol", ":-( no", "::", ":", "hello :quit", ":Quit" })
                await Assert.That(ChatCommands.TryRun(line, host)).IsFalse().Because($"{line} on {surface}");
            await Assert.That(host.Shown).IsEmpty();
        }
    }

    [Test]
    public async Task An_unknown_command_is_named_on_a_terminal_and_sent_as_written_from_a_pipe()
    {
        var terminal = new FakeHost(CommandSurface.LineMode);
        await Assert.That(ChatCommands.TryRun(":frobnicate now", terminal)).IsTrue();
        await Assert.That(terminal.Shown).IsEquivalentTo(["unknown command :frobnicate (:help lists the commands)"]);

        var pipe = new FakeHost(CommandSurface.PipeMode);
        await Assert.That(ChatCommands.TryRun(":frobnicate now", pipe)).IsFalse();
        await Assert.That(ChatCommands.TryRun(":quit", pipe)).IsFalse().Because("a script's ':quit' line is its text");
        await Assert.That(pipe.Quitted).IsFalse();
    }

    [Test]
    public async Task Handles_says_what_a_surface_takes_without_running_anything()
    {
        await Assert.That(ChatCommands.Handles(":msg bob hi", CommandSurface.PipeMode)).IsTrue();
        await Assert.That(ChatCommands.Handles(":quit", CommandSurface.PipeMode)).IsFalse();
        await Assert.That(ChatCommands.Handles(":) hi", CommandSurface.PipeMode)).IsFalse();
        await Assert.That(ChatCommands.Handles(":frobnicate", CommandSurface.LineMode)).IsTrue().Because("answered with 'unknown command'");
        await Assert.That(ChatCommands.Handles(":frobnicate", CommandSurface.PipeMode)).IsFalse();
    }

    [Test]
    [Arguments(":quit")]
    [Arguments(":q")]
    [Arguments("  :quit  ")]
    public async Task Quit_and_its_alias_leave_from_the_screen_and_from_line_mode(string line)
    {
        foreach (CommandSurface surface in new[] { CommandSurface.FullScreen, CommandSurface.LineMode })
        {
            var host = new FakeHost(surface);
            await Assert.That(ChatCommands.TryRun(line, host)).IsTrue();
            await Assert.That(host.Quitted).IsTrue();
        }
    }

    [Test]
    public async Task Help_lists_every_command_of_its_surface_from_the_table()
    {
        var screen = new FakeHost(CommandSurface.FullScreen);
        ChatCommands.TryRun(":help", screen);
        foreach (ChatCommand command in ChatCommands.All.Where(c => c.Surfaces.HasFlag(CommandSurface.FullScreen)))
            await Assert.That(screen.Shown).Contains($"{ChatCommands.Usage(command)}: {command.Help}");
        await Assert.That(screen.Shown).Contains(":quit or :q: leaves the chat (so does Ctrl-D on an empty line)");
        await Assert.That(screen.Shown.Any(line => line.StartsWith("keys: Tab completes", StringComparison.Ordinal))).IsTrue();

        var line = new FakeHost(CommandSurface.LineMode);
        ChatCommands.TryRun(":help", line);
        await Assert.That(line.Shown.Any(text => text.StartsWith(":clear", StringComparison.Ordinal))).IsFalse();
        await Assert.That(line.Shown.Any(text => text.StartsWith("keys:", StringComparison.Ordinal))).IsFalse();
        await Assert.That(line.Shown).Contains("anything else is sent to everyone");
    }

    [Test]
    public async Task Clear_is_a_full_screen_command_and_line_mode_says_so()
    {
        var screen = new FakeHost(CommandSurface.FullScreen);
        await Assert.That(ChatCommands.TryRun(":clear", screen)).IsTrue();
        await Assert.That(screen.Cleared).IsTrue();

        var line = new FakeHost(CommandSurface.LineMode);
        await Assert.That(ChatCommands.TryRun(":clear", line)).IsTrue();
        await Assert.That(line.Cleared).IsFalse();
        await Assert.That(line.Shown).IsEquivalentTo([":clear works in the full-screen UI only"]);
    }

    [Test]
    public async Task Me_says_an_action_and_refuses_an_empty_or_oversized_one()
    {
        var host = new FakeHost(CommandSurface.FullScreen);
        await Assert.That(ChatCommands.TryRun(":me waves at  everyone ", host)).IsTrue();
        await Assert.That(host.Actions).IsEquivalentTo(["waves at  everyone"]);
        ChatCommands.TryRun(":me", host);
        ChatCommands.TryRun(":me " + new string('x', ActionText.MaxBytes + 1), host);
        await Assert.That(host.Actions.Count).IsEqualTo(1);
        await Assert.That(host.Shown[0]).StartsWith("usage: :me action");
        await Assert.That(host.Shown[1]).IsEqualTo($"not sent: an action is at most {ActionText.MaxBytes} bytes");
        await Assert.That(ChatCommands.TryRun(":me waves", new FakeHost(CommandSurface.PipeMode))).IsFalse().Because("a script's text");
    }

    [Test]
    public async Task An_action_is_CTCP_ACTION_on_the_wire_and_nothing_else_is_taken_for_one()
    {
        byte[] wire = System.Text.Encoding.UTF8.GetBytes(ActionText.Make("waves"));
        await Assert.That(System.Text.Encoding.UTF8.GetString(wire)).IsEqualTo("\u0001ACTION waves\u0001");
        bool isAction = ActionText.TryGet(wire, out ReadOnlySpan<byte> action);
        string acted = System.Text.Encoding.UTF8.GetString(action);
        await Assert.That(isAction).IsTrue();
        await Assert.That(acted).IsEqualTo("waves");
        foreach (string text in new[] { "\u0001ACTION \u0001", "\u0001ACTION waves", "ACTION waves\u0001", "\u0001action waves\u0001", "waves" })
            await Assert.That(ActionText.TryGet(System.Text.Encoding.UTF8.GetBytes(text), out _)).IsFalse().Because(text);
    }

    [Test]
    public async Task Whois_without_a_name_says_how_to_use_it()
    {
        var host = new FakeHost(CommandSurface.FullScreen);
        await Assert.That(ChatCommands.TryRun(":whois", host)).IsTrue();
        await Assert.That(host.Shown).IsEquivalentTo(["usage: :whois NAME"]);
    }

    [Test]
    public async Task Tab_completion_offers_the_table_s_words_for_each_surface()
    {
        IReadOnlyList<string> screen = ChatCommands.Words(CommandSurface.FullScreen);
        foreach (ChatCommand command in ChatCommands.All)
            foreach (string word in command.Aliases.Prepend(command.Name))
                await Assert.That(screen.Contains(word)).IsEqualTo(command.Surfaces.HasFlag(CommandSurface.FullScreen)).Because(word);
        await Assert.That(ChatCommands.Words(CommandSurface.LineMode)).DoesNotContain(":clear");
        await Assert.That(ChatCommands.Words(CommandSurface.PipeMode)).IsEquivalentTo([":msg"]);
    }

    [Test]
    public async Task Clearing_the_screen_empties_the_message_field_and_new_lines_show_as_before()
    {
        var terminal = new FakeTerminal(30, 6);
        var renderer = new ScreenRenderer(terminal, colors: false);
        var screen = new ChatScreen { Status = " alice" };
        for (int i = 0; i < 10; i++)
            screen.Add(LineKind.Info, $"* line {i}");
        screen.ScrollUp(2, renderer.ViewRows, renderer.RowsOf);
        renderer.Render(screen);
        await Assert.That(terminal.Screen().Any(row => row.Contains("line 7", StringComparison.Ordinal))).IsTrue();

        screen.Clear();
        renderer.Render(screen);
        await Assert.That(terminal.Screen().Any(row => row.Contains("line", StringComparison.Ordinal))).IsFalse();
        await Assert.That(screen.Anchor).IsNull().Because("the view follows new lines again");

        screen.Add(LineKind.Info, "* after the clear");
        renderer.Render(screen);
        await Assert.That(terminal.Screen().Count(row => row.Contains("after the clear", StringComparison.Ordinal))).IsEqualTo(1);
        await Assert.That(terminal.Screen().Any(row => row.Contains("line 9", StringComparison.Ordinal))).IsFalse();
    }

    [Test]
    public async Task Tab_completes_clear_in_the_input_line()
    {
        var screen = new ChatScreen();
        var renderer = new ScreenRenderer(new FakeTerminal(40, 8));
        var editor = new InputEditor(screen, () => ["alice"], () => renderer.ViewRows, renderer.RowsOf);
        foreach (char c in ":cl")
            editor.Apply(new InputEvent(InputKind.Char, new System.Text.Rune(c)));
        editor.Apply(new InputEvent(InputKind.Tab));
        await Assert.That(screen.Input.Text).IsEqualTo(":clear ");
    }
}
