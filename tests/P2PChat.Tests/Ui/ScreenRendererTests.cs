// The two-field screen as a person sees it, drawn into a fake terminal's cell grid.
using System.Text;
using P2PChat.Ui;

namespace P2PChat.Tests.Ui;

public class ScreenRendererTests
{
    private static (ChatScreen Screen, FakeTerminal Terminal, ScreenRenderer Renderer) Setup(int width = 40, int height = 8)
    {
        var terminal = new FakeTerminal(width, height);
        var screen = new ChatScreen { Status = " alice | port 5000 | 1 peer" };
        return (screen, terminal, new ScreenRenderer(terminal));
    }

    private static void Type(ChatScreen screen, string text)
    {
        foreach (Rune rune in text.EnumerateRunes())
            screen.Input.Insert(rune);
    }

    [Test]
    public async Task An_empty_screen_shows_the_status_bar_above_an_empty_input_row()
    {
        var (screen, terminal, renderer) = Setup();
        renderer.Render(screen);
        await Assert.That(terminal.Row(7)).IsEqualTo(">");
        await Assert.That(terminal.Row(6)).IsEqualTo(" alice | port 5000 | 1 peer");
        await Assert.That(terminal.CursorRow).IsEqualTo(7);
        await Assert.That(terminal.CursorColumn).IsEqualTo(2);
        await Assert.That(terminal.CursorVisible).IsTrue();
    }

    [Test]
    public async Task Typed_text_shows_in_the_input_row_with_the_cursor_after_it()
    {
        var (screen, terminal, renderer) = Setup();
        Type(screen, "hello");
        renderer.Render(screen);
        await Assert.That(terminal.Row(7)).IsEqualTo("> hello");
        await Assert.That(terminal.CursorColumn).IsEqualTo(7);
    }

    [Test]
    public async Task Messages_fill_the_field_from_the_bottom_and_old_ones_scroll_off()
    {
        var (screen, terminal, renderer) = Setup(height: 5); // 3 message rows
        for (int i = 1; i <= 5; i++)
            screen.Add(LineKind.Message, $"bob: line {i}");
        renderer.Render(screen);
        await Assert.That(terminal.Screen()[..3]).IsEquivalentTo(new[] { "bob: line 3", "bob: line 4", "bob: line 5" });
    }

    [Test]
    public async Task A_long_message_wraps_onto_the_next_rows()
    {
        var (screen, terminal, renderer) = Setup(width: 10, height: 5);
        screen.Add(LineKind.Message, "bob: 0123456789abc");
        renderer.Render(screen);
        await Assert.That(terminal.Screen()[..3]).IsEquivalentTo(new[] { "", "bob: 01234", "56789abc" });
    }

    [Test]
    public async Task A_wide_character_that_does_not_fit_at_the_end_of_a_row_starts_the_next()
    {
        var (screen, terminal, renderer) = Setup(width: 10, height: 5);
        screen.Add(LineKind.Message, "bob: abcd日本");
        renderer.Render(screen);
        await Assert.That(terminal.Row(1)).IsEqualTo("bob: abcd");
        await Assert.That(terminal.Row(2)).IsEqualTo("日本");
    }

    [Test]
    public async Task An_emoji_sequence_is_never_split_across_rows()
    {
        string family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466";
        var (screen, terminal, renderer) = Setup(width: 10, height: 5);
        screen.Add(LineKind.Message, "bob: abcd" + family + "\u2764\ufe0f!");
        renderer.Render(screen);
        await Assert.That(terminal.Row(1)).IsEqualTo("bob: abcd");
        await Assert.That(terminal.Row(2)).IsEqualTo(family + "\u2764\ufe0f!");
    }

    [Test]
    public async Task Fitting_text_cuts_between_user_perceived_characters()
    {
        await Assert.That(ScreenRenderer.Fit("ab\u2764\ufe0fc", 3)).IsEqualTo("ab");
        await Assert.That(ScreenRenderer.Fit("ab\u2764\ufe0fc", 4)).IsEqualTo("ab\u2764\ufe0f");
        await Assert.That(ScreenRenderer.Fit("e\u0301e\u0301", 1)).IsEqualTo("e\u0301");
    }

    [Test]
    public async Task Long_input_scrolls_sideways_and_keeps_the_cursor_visible()
    {
        var (screen, terminal, renderer) = Setup(width: 12, height: 4);
        Type(screen, "abcdefghijklmnopqrstuvwxyz");
        renderer.Render(screen);
        await Assert.That(terminal.CursorColumn).IsLessThan(12);
        await Assert.That(terminal.Row(3)).EndsWith("xyz");

        screen.Input.Home();
        renderer.Render(screen);
        await Assert.That(terminal.Row(3)).StartsWith("> abcdefghi");
        await Assert.That(terminal.CursorColumn).IsEqualTo(2);
    }

    [Test]
    public async Task Only_rows_that_changed_are_rewritten()
    {
        var (screen, terminal, renderer) = Setup();
        screen.Add(LineKind.Message, "bob: hi");
        renderer.Render(screen);
        Type(screen, "x");
        renderer.Render(screen);
        string frame = terminal.Frames[^1];
        await Assert.That(frame).DoesNotContain("\x1b[2J");
        await Assert.That(frame).Contains("\x1b[8;1H> x");
        await Assert.That(frame).DoesNotContain("bob: hi");
        await Assert.That(frame).DoesNotContain("alice");
    }

    [Test]
    public async Task Each_frame_is_written_in_one_call()
    {
        var (screen, terminal, renderer) = Setup();
        for (int i = 0; i < 3; i++)
        {
            screen.Add(LineKind.Message, $"bob: {i}");
            renderer.Render(screen);
        }
        await Assert.That(terminal.Writes).IsEqualTo(3);
    }

    [Test]
    public async Task A_resize_redraws_everything_at_the_new_size()
    {
        var (screen, terminal, renderer) = Setup(width: 20, height: 6);
        screen.Add(LineKind.Message, "bob: a message that wraps when narrow");
        renderer.Render(screen);
        terminal.Resize(12, 8);
        renderer.Invalidate();
        renderer.Render(screen);
        await Assert.That(terminal.Row(7)).IsEqualTo(">");
        await Assert.That(string.Concat(terminal.Screen()[..6])).IsEqualTo("bob: a message that wraps when narrow");
    }

    [Test]
    [Arguments(1, 1)]
    [Arguments(5, 2)]
    [Arguments(9, 24)]
    public async Task A_tiny_terminal_shows_a_notice_instead_of_the_fields(int width, int height)
    {
        var (screen, terminal, renderer) = Setup(width, height);
        Type(screen, "typing");
        renderer.Render(screen);
        await Assert.That("terminal too small".StartsWith(terminal.Row(0))).IsTrue();
        await Assert.That(terminal.Row(0).Length).IsGreaterThan(0);
    }

    [Test]
    public async Task Text_from_a_peer_reaches_the_terminal_with_its_control_characters_made_visible()
    {
        var (screen, terminal, renderer) = Setup(width: 60);
        screen.Add(LineKind.Message, "mallory: " + TextSanitizer.Sanitize("\x1b[2J\x1b]0;pwned\x07 hi\u009b"));
        renderer.Render(screen); // FakeTerminal throws on any raw control character
        await Assert.That(terminal.Row(5)).IsEqualTo("mallory: ^[[2J^[]0;pwned^G hiM-^[");
    }
}
