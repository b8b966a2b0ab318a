// The two-field screen as a person sees it, drawn into a fake terminal's cell grid (golden screens): the message
// field, wrapping, wide characters at row ends, styles, scrollback with its marker, resizes and tiny terminals.
using System.Text;
using P2PChat.Ui;

namespace P2PChat.Tests.Ui;

public class ScreenRendererTests
{
    private static (ChatScreen Screen, FakeTerminal Terminal, ScreenRenderer Renderer) Setup(int width = 30, int height = 8, bool colors = true)
    {
        var terminal = new FakeTerminal(width, height);
        var screen = new ChatScreen { Status = " alice | port 5000 | 1 peer" };
        return (screen, terminal, new ScreenRenderer(terminal, colors));
    }

    private static void Type(ChatScreen screen, string text)
    {
        foreach (Rune rune in text.EnumerateRunes())
            screen.Input.Insert(rune);
    }

    private static DisplayLine Message(string sender, string text, string time = "", bool mention = false) =>
        new(LineKind.Message, text, sender, time, mention);

    [Test]
    public async Task An_empty_screen_shows_the_status_bar_above_an_empty_input_row()
    {
        var (screen, terminal, renderer) = Setup();
        renderer.Render(screen);
        await Assert.That(terminal.Screen()).IsEquivalentTo(new[] { "", "", "", "", "", "", " alice | port 5000 | 1 peer", ">" },
            TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That((terminal.CursorRow, terminal.CursorColumn)).IsEqualTo((7, 2));
        await Assert.That(terminal.CursorVisible).IsTrue();
        await Assert.That(terminal.StyleAt(6, 29)).IsEqualTo("7").Because("the status bar is reverse video across the whole row");
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
    public async Task Messages_fill_the_field_from_the_bottom_with_time_and_sender_and_old_ones_scroll_off()
    {
        var (screen, terminal, renderer) = Setup(height: 5); // 3 message rows
        for (int i = 1; i <= 5; i++)
            screen.Add(Message("bob", $"line {i}", time: "12:0" + i));
        renderer.Render(screen);
        await Assert.That(terminal.Screen()[..3]).IsEquivalentTo(new[] { "12:03 bob: line 3", "12:04 bob: line 4", "12:05 bob: line 5" },
            TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task A_long_message_wraps_onto_the_next_rows()
    {
        var (screen, terminal, renderer) = Setup(width: 20, height: 6);
        screen.Add(Message("bob", "0123456789abcdefghijklmn"));
        renderer.Render(screen);
        await Assert.That(terminal.Screen()[..4]).IsEquivalentTo(new[] { "", "", "bob: 0123456789abcde", "     fghijklmn" },
            TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task A_line_padded_to_wrap_into_a_fake_status_line_shows_indented_under_its_text()
    {
        var (screen, terminal, renderer) = Setup(width: 40, height: 6);
        string padding = new(' ', 40 - "12:00 mallory: ".Length);
        screen.Add(new DisplayLine(LineKind.Message, padding + "17:13 * bob left (quit)", "mallory", "12:00"));
        screen.Add(new DisplayLine(LineKind.Info, "* bob joined, and a notice long enough to wrap once", Time: "12:01"));
        renderer.Render(screen);
        string[] rows = terminal.Screen()[..4];
        await Assert.That(rows[1]).IsEqualTo(new string(' ', 13) + "17:13 * bob left (quit)")
            .Because("the continuation lines up under mallory's text (capped at a third of the width), never at column 0");
        await Assert.That(rows[3]).StartsWith("        ").Because("a notice continues under its text too");
        foreach (string row in new[] { rows[1], rows[3] })
            await Assert.That(row[..2]).IsEqualTo("  ");
    }

    [Test]
    public async Task A_wide_character_that_does_not_fit_at_the_end_of_a_row_starts_the_next()
    {
        var (screen, terminal, renderer) = Setup(width: 20, height: 6);
        screen.Add(Message("bob", "abcdefghijklmn世界")); // "bob: " + 14 = 19 cells: 世 (2 cells) does not fit in the last one
        renderer.Render(screen);
        await Assert.That(terminal.Row(2)).IsEqualTo("bob: abcdefghijklmn");
        await Assert.That(terminal.Row(3)).IsEqualTo("     世界");
    }

    [Test]
    public async Task A_combining_accent_or_a_zwj_emoji_is_never_split_across_rows()
    {
        var (screen, terminal, renderer) = Setup(width: 20, height: 6);
        string family = "\U0001F468\u200D\U0001F469\u200D\U0001F467"; // one user-perceived character
        screen.Add(Message("bob", "abcdefghijklm" + "e\u0301" + family));
        renderer.Render(screen);
        await Assert.That(terminal.Row(2)).IsEqualTo("bob: abcdefghijklme\u0301");
        await Assert.That(terminal.Row(3)).IsEqualTo("     " + family);
    }

    [Test]
    public async Task Each_sender_has_a_stable_colour_own_lines_are_bold_and_info_is_dim()
    {
        var (screen, terminal, renderer) = Setup();
        screen.Add(Message("bob", "hi"));
        screen.Add(new DisplayLine(LineKind.Own, "hello", "alice"));
        screen.Add(new DisplayLine(LineKind.Info, "* carol joined"));
        renderer.Render(screen);
        await Assert.That(terminal.StyleAt(3, 0)).IsEqualTo(ScreenRenderer.ColorOf("bob"));
        await Assert.That(terminal.StyleAt(3, 5)).IsEqualTo("").Because("the text itself is plain");
        await Assert.That(terminal.StyleAt(4, 0)).IsEqualTo("1");
        await Assert.That(terminal.StyleAt(5, 0)).IsEqualTo("2");
        await Assert.That(ScreenRenderer.ColorOf("bob")).IsEqualTo(ScreenRenderer.ColorOf("bob"));
        string[] colours = [.. new[] { "ann", "ben", "cat", "dan", "eve", "fay" }.Select(name => ScreenRenderer.ColorOf(name)).Distinct()];
        await Assert.That(colours.Length).IsGreaterThan(2).Because("different names mostly get different colours");
    }

    [Test]
    public async Task An_action_reads_star_sender_action_in_the_sender_s_colour_and_ours_in_bold()
    {
        var (screen, terminal, renderer) = Setup(width: 40);
        screen.Add(new DisplayLine(LineKind.Message, "waves at everyone, and this wraps onto a second row", "bob", "12:00", Action: true));
        screen.Add(new DisplayLine(LineKind.Own, "waves back", "alice", "12:01", Action: true));
        renderer.Render(screen);
        await Assert.That(terminal.Row(3)).IsEqualTo("12:00 * bob waves at everyone, and this");
        await Assert.That(terminal.Row(4)).IsEqualTo("            wraps onto a second row").Because("indented under the action's text");
        await Assert.That(terminal.Row(5)).IsEqualTo("12:01 * alice waves back");
        await Assert.That(terminal.StyleAt(3, 8)).IsEqualTo(ScreenRenderer.ColorOf("bob"));
        await Assert.That(terminal.StyleAt(5, 8)).IsEqualTo("1");
    }

    [Test]
    public async Task A_mention_is_highlighted_and_without_colours_it_is_still_visible()
    {
        var (screen, terminal, renderer) = Setup();
        screen.Add(Message("bob", "@alice look", mention: true));
        renderer.Render(screen);
        await Assert.That(terminal.StyleAt(5, 5)).IsEqualTo("1;7").Because("bold reverse reads on any background");

        var (mono, monoTerminal, monoRenderer) = Setup(colors: false);
        mono.Add(Message("bob", "@alice look", mention: true));
        monoRenderer.Render(mono);
        await Assert.That(monoTerminal.StyleAt(5, 5)).IsEqualTo("1;4");
        await Assert.That(monoTerminal.StyleAt(5, 0)).IsEqualTo("1").Because("NO_COLOR: the sender is bold, not coloured");
    }

    [Test]
    public async Task An_emoji_sequence_is_never_split_across_rows()
    {
        string family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466";
        var (screen, terminal, renderer) = Setup(width: 20, height: 5);
        screen.Add(Message("bob", "abcdefghijklmn" + family + "\u2764\ufe0f!"));
        renderer.Render(screen);
        await Assert.That(terminal.Row(1)).IsEqualTo("bob: abcdefghijklmn");
        await Assert.That(terminal.Row(2)).IsEqualTo("     " + family + "\u2764\ufe0f!");
    }

    [Test]
    public async Task Fitting_text_cuts_between_user_perceived_characters()
    {
        await Assert.That(TextLayout.Fit("ab\u2764\ufe0fc", 3)).IsEqualTo("ab");
        await Assert.That(TextLayout.Fit("ab\u2764\ufe0fc", 4)).IsEqualTo("ab\u2764\ufe0f");
        await Assert.That(TextLayout.Fit("e\u0301e\u0301", 1)).IsEqualTo("e\u0301");
    }

    [Test]
    public async Task Long_input_scrolls_sideways_and_keeps_the_cursor_visible()
    {
        var (screen, terminal, renderer) = Setup(width: 20);
        Type(screen, "abcdefghijklmnopqrstuvwxyz");
        renderer.Render(screen);
        await Assert.That(terminal.Row(7)).EndsWith("xyz");
        await Assert.That(terminal.CursorColumn).IsLessThan(20);
        screen.Input.Home();
        renderer.Render(screen);
        await Assert.That(terminal.Row(7)).IsEqualTo("> abcdefghijklmnopqr");
        await Assert.That(terminal.CursorColumn).IsEqualTo(2);
    }

    [Test]
    public async Task Only_rows_that_changed_are_rewritten_and_each_frame_is_one_write()
    {
        var (screen, terminal, renderer) = Setup();
        screen.Add(Message("bob", "one"));
        renderer.Render(screen);
        Type(screen, "x");
        renderer.Render(screen);
        string frame = terminal.Frames[^1];
        await Assert.That(frame).DoesNotContain("bob").Because("only the input row changed");
        await Assert.That(frame).DoesNotContain("alice");
        await Assert.That(terminal.Writes).IsEqualTo(2);
    }

    [Test]
    public async Task A_resize_reflows_everything_at_the_new_size()
    {
        var (screen, terminal, renderer) = Setup(width: 40, height: 6);
        screen.Add(Message("bob", "a message that wraps when the terminal is narrow"));
        Type(screen, "typing");
        renderer.Render(screen);
        terminal.Resize(20, 14); // 12 message rows: a line of 4 rows is not folded
        renderer.Invalidate();
        renderer.Render(screen);
        await Assert.That(terminal.Row(13)).IsEqualTo("> typing");
        await Assert.That(terminal.Row(12)).StartsWith(" alice | port 5000");
        await Assert.That(string.Concat(terminal.Screen()[..12]).Replace(" ", "")).IsEqualTo("bob:amessagethatwrapswhentheterminalisnarrow");
        await Assert.That(terminal.Screen()[..12].All(row => row.Length <= 20)).IsTrue();
    }

    [Test]
    [Arguments(20, 5)]
    [Arguments(21, 5)]
    [Arguments(20, 6)]
    public async Task The_smallest_supported_terminal_still_shows_both_fields(int width, int height)
    {
        var (screen, terminal, renderer) = Setup(width, height);
        screen.Add(Message("bob", "hi"));
        Type(screen, "typing");
        renderer.Render(screen);
        await Assert.That(terminal.Row(height - 1)).IsEqualTo("> typing");
        await Assert.That(terminal.Row(height - 3)).IsEqualTo("bob: hi");
    }

    [Test]
    [Arguments(1, 1)]
    [Arguments(19, 24)]
    [Arguments(80, 4)]
    public async Task A_terminal_smaller_than_that_shows_a_notice_instead_of_the_fields(int width, int height)
    {
        var (screen, terminal, renderer) = Setup(width, height);
        Type(screen, "typing");
        renderer.Render(screen);
        string notice = $"terminal too small ({width}x{height}): need 20x5";
        string expected = width * height >= notice.Length ? notice : notice[..(width * height)];
        string shown = string.Concat(terminal.Screen()); // rows lose their trailing blanks: compare without blanks
        await Assert.That(shown.Replace(" ", "")).IsEqualTo(expected.Replace(" ", "")).Because("as much of the notice as the rows hold");
    }

    [Test]
    public async Task A_sequence_of_resizes_ends_with_a_correct_screen()
    {
        var (screen, terminal, renderer) = Setup(width: 40, height: 10);
        for (int i = 0; i < 20; i++)
            screen.Add(Message("bob", $"message number {i} with some words"));
        foreach ((int w, int h) in new[] { (10, 3), (25, 7), (80, 24), (20, 5), (3, 3), (33, 9) })
        {
            terminal.Resize(w, h);
            renderer.Invalidate();
            renderer.Render(screen);
        }
        await Assert.That(terminal.Row(8)).IsEqualTo(">");
        await Assert.That(terminal.Row(5)).IsEqualTo("bob: message number 19 with some");
        await Assert.That(terminal.Row(6)).IsEqualTo("     words");
    }

    [Test]
    public async Task Scrolled_back_the_view_stays_put_and_a_marker_counts_new_lines_until_end()
    {
        var (screen, terminal, renderer) = Setup(height: 6); // 4 message rows
        for (int i = 1; i <= 10; i++)
            screen.Add(Message("bob", $"m{i}"));
        screen.ScrollUp(3, renderer.ViewRows, renderer.RowsOf);
        renderer.Render(screen);
        await Assert.That(terminal.Screen()[..4]).IsEquivalentTo(new[] { "bob: m5", "bob: m6", "bob: m7", "-- more below (End) --" },
            TUnit.Assertions.Enums.CollectionOrdering.Matching).Because(string.Join(" | ", terminal.Screen()));

        screen.Add(Message("bob", "m11"));
        screen.Add(Message("bob", "m12"));
        renderer.Render(screen);
        await Assert.That(terminal.Row(2)).IsEqualTo("bob: m7").Because("new lines do not move a scrolled-back view");
        await Assert.That(terminal.Row(3)).IsEqualTo("-- 2 new below (End) --");

        screen.ScrollToBottom();
        renderer.Render(screen);
        await Assert.That(terminal.Screen()[..4]).IsEquivalentTo(new[] { "bob: m9", "bob: m10", "bob: m11", "bob: m12" },
            TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task Scrolling_stops_at_the_oldest_line_and_paging_down_returns_to_the_newest()
    {
        var (screen, terminal, renderer) = Setup(height: 6);
        for (int i = 1; i <= 6; i++)
            screen.Add(Message("bob", $"m{i}"));
        for (int i = 0; i < 10; i++)
            screen.ScrollUp(3, renderer.ViewRows, renderer.RowsOf);
        renderer.Render(screen);
        await Assert.That(terminal.Row(0)).IsEqualTo("bob: m1");
        for (int i = 0; i < 10; i++)
            screen.ScrollDown(3, renderer.RowsOf);
        await Assert.That(screen.Anchor).IsNull();
        renderer.Render(screen);
        await Assert.That(terminal.Row(3)).IsEqualTo("bob: m6");
    }

    [Test]
    public async Task A_message_taller_than_a_third_of_the_field_is_folded_and_the_conversation_stays_in_view()
    {
        var (screen, terminal, renderer) = Setup(width: 40, height: 20); // 18 message rows: fold above 6
        screen.Add(Message("bob", "before the flood"));
        screen.Add(Message("mallory", string.Concat(Enumerable.Range(0, 700).Select(i => $"{i % 10}"))));
        screen.Add(Message("carol", "after it"));
        renderer.Render(screen);
        string[] rows = terminal.Screen()[..18];
        int rowsOfLine = renderer.RowsOf(screen[1]);
        await Assert.That(rowsOfLine).IsGreaterThan(6);
        await Assert.That(rows[11]).IsEqualTo($"mallory: ... {rowsOfLine - 5} more rows above (PgUp)").Because(string.Join(" | ", rows));
        await Assert.That(rows[10]).IsEqualTo("bob: before the flood");
        await Assert.That(rows[12..17].All(row => row.StartsWith("         ", StringComparison.Ordinal) && row.Trim().All(char.IsAsciiDigit))).IsTrue()
            .Because("the line's last five rows, indented under its text");
        await Assert.That(rows[17]).IsEqualTo("carol: after it");
        await Assert.That(terminal.StyleAt(11, 12)).IsEqualTo("2").Because("the fold notice is dim");
    }

    [Test]
    public async Task Paging_back_reads_a_folded_message_row_by_row_to_its_first_row_and_paging_down_returns()
    {
        var (screen, terminal, renderer) = Setup(width: 30, height: 8); // 6 message rows
        string text = string.Concat(Enumerable.Range(0, 40).Select(i => $"w{i:00} "));
        screen.Add(Message("bob", text));
        int total = renderer.RowsOf(screen[0]);
        var seen = new HashSet<string>();
        for (int page = 0; page < 20; page++)
        {
            screen.ScrollUp(renderer.ViewRows - 1, renderer.ViewRows, renderer.RowsOf);
            renderer.Render(screen);
            foreach (string row in terminal.Screen()[..5])
                seen.Add(row);
        }
        await Assert.That(terminal.Row(0)).StartsWith("bob: w00").Because("the first row is reached");
        renderer.Render(new ChatScreen()); // forget the frame: the live view below is compared whole
        for (int page = 0; page < 20 && screen.Anchor is not null; page++)
        {
            screen.ScrollDown(renderer.ViewRows - 1, renderer.RowsOf);
            renderer.Render(screen);
            foreach (string row in terminal.Screen()[..6])
                seen.Add(row);
        }
        await Assert.That(seen.Count(row => row.Contains(" w", StringComparison.Ordinal) || row.StartsWith("bob: w", StringComparison.Ordinal)))
            .IsEqualTo(total).Because($"every row of the line was in view at some point: {string.Join(" | ", seen)}");
        await Assert.That(screen.Anchor).IsNull();
    }

    [Test]
    public async Task A_resize_while_reading_a_long_message_keeps_a_valid_place()
    {
        var (screen, terminal, renderer) = Setup(width: 20, height: 8);
        screen.Add(Message("bob", new string('x', 400)));
        for (int i = 0; i < 3; i++)
            screen.ScrollUp(5, renderer.ViewRows, renderer.RowsOf);
        int skip = screen.AnchorSkip;
        await Assert.That(skip).IsGreaterThan(0);
        terminal.Resize(200, 8);
        renderer.Invalidate();
        renderer.Render(screen); // far fewer rows now than the skip: drawn from the line's first row, no exception
        await Assert.That(terminal.Screen().Any(row => row.StartsWith("bob: xxx", StringComparison.Ordinal))).IsTrue();
        screen.ScrollDown(100, renderer.RowsOf);
        await Assert.That(screen.Anchor).IsNull();
    }

    [Test]
    public async Task Nothing_scrolls_when_everything_fits()
    {
        var (screen, _, renderer) = Setup();
        screen.Add(Message("bob", "only one"));
        screen.ScrollUp(3, renderer.ViewRows, renderer.RowsOf);
        await Assert.That(screen.Anchor).IsNull();
    }

    [Test]
    public async Task A_mention_while_scrolled_back_rings_the_bell_once()
    {
        var (screen, terminal, renderer) = Setup(height: 6);
        for (int i = 1; i <= 10; i++)
            screen.Add(Message("bob", $"m{i}"));
        screen.Add(Message("bob", "@alice are you there", mention: true));
        renderer.Render(screen);
        await Assert.That(terminal.Bells).IsEqualTo(0).Because("at the bottom the highlighted line is seen");

        screen.ScrollUp(3, renderer.ViewRows, renderer.RowsOf);
        screen.Add(Message("bob", "@alice hello?", mention: true));
        renderer.Render(screen);
        renderer.Render(screen);
        await Assert.That(terminal.Bells).IsEqualTo(1);
    }

    [Test]
    public async Task Text_from_a_peer_reaches_the_terminal_with_its_control_characters_made_visible()
    {
        var (screen, terminal, renderer) = Setup(width: 60);
        screen.Add(Message("mallory", TextSanitizer.Sanitize("\x1b[2J\x1b]0;pwned\x07 hi\u009b")));
        renderer.Render(screen); // FakeTerminal throws on any raw control character
        await Assert.That(terminal.Row(5)).IsEqualTo("mallory: ^[[2J^[]0;pwned^G hiM-^[");
    }
}
