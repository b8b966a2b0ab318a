// Every editing key as the user presses it, checked on the screen a person sees (golden rows in a fake terminal):
// moves, deletes, word moves and kills, input history, Tab completion, paging, paste, quit keys.
using System.Text;
using P2PChat.Ui;

namespace P2PChat.Tests.Ui;

public class InputEditorTests
{
    private sealed class Harness
    {
        public readonly FakeTerminal Terminal = new(40, 8);
        public readonly ChatScreen Screen = new() { Status = " alice" };
        public readonly ScreenRenderer Renderer;
        public readonly InputEditor Editor;
        public readonly List<string> Entered = [];
        public string[] Names = ["alice", "bob", "bert", "carol"];

        public Harness()
        {
            Renderer = new ScreenRenderer(Terminal);
            Editor = new InputEditor(Screen, () => Names, () => Renderer.ViewRows, Renderer.RowsOf);
            Editor.Entered += Entered.Add;
        }

        public EditorResult Press(InputKind kind, bool ctrl = false, bool alt = false) => Editor.Apply(new InputEvent(kind, Ctrl: ctrl, Alt: alt));

        public EditorResult Ctrl(char letter) => Editor.Apply(new InputEvent(InputKind.Char, new Rune(letter), Ctrl: true));

        public EditorResult Alt(char letter) => Editor.Apply(new InputEvent(InputKind.Char, new Rune(letter), Alt: true));

        public void Type(string text)
        {
            foreach (Rune rune in text.EnumerateRunes())
                Editor.Apply(new InputEvent(InputKind.Char, rune));
        }

        /// <summary>The input row as drawn, with a '|' where the cursor is.</summary>
        public string InputRow()
        {
            Renderer.Render(Screen);
            int cursor = Terminal.CursorColumn;
            return (Terminal.Cells(7, 0, cursor) + "|" + Terminal.Cells(7, cursor, Terminal.Size.Width)).TrimEnd();
        }
    }

    [Test]
    public async Task Arrows_home_end_and_their_control_keys_move_the_cursor()
    {
        var h = new Harness();
        h.Type("hello world");
        await Assert.That(h.InputRow()).IsEqualTo("> hello world|");
        h.Press(InputKind.Left);
        h.Press(InputKind.Left);
        await Assert.That(h.InputRow()).IsEqualTo("> hello wor|ld");
        h.Press(InputKind.Home);
        await Assert.That(h.InputRow()).IsEqualTo("> |hello world");
        h.Press(InputKind.Right);
        await Assert.That(h.InputRow()).IsEqualTo("> h|ello world");
        h.Ctrl('e');
        await Assert.That(h.InputRow()).IsEqualTo("> hello world|");
        h.Ctrl('a');
        await Assert.That(h.InputRow()).IsEqualTo("> |hello world");
        h.Ctrl('f');
        h.Ctrl('f');
        h.Ctrl('b');
        await Assert.That(h.InputRow()).IsEqualTo("> h|ello world");
        h.Press(InputKind.End);
        await Assert.That(h.InputRow()).IsEqualTo("> hello world|");
    }

    [Test]
    public async Task Backspace_and_delete_remove_one_character_each_side()
    {
        var h = new Harness();
        h.Type("abcd");
        h.Press(InputKind.Left);
        h.Press(InputKind.Backspace);
        await Assert.That(h.InputRow()).IsEqualTo("> ab|d");
        h.Press(InputKind.Delete);
        await Assert.That(h.InputRow()).IsEqualTo("> ab|");
        h.Press(InputKind.Delete);
        h.Ctrl('h');
        await Assert.That(h.InputRow()).IsEqualTo("> a|");
    }

    [Test]
    public async Task Alt_b_and_alt_f_and_ctrl_arrows_move_by_words()
    {
        var h = new Harness();
        h.Type("one two  three");
        h.Alt('b');
        await Assert.That(h.InputRow()).IsEqualTo("> one two  |three");
        h.Alt('b');
        await Assert.That(h.InputRow()).IsEqualTo("> one |two  three");
        h.Press(InputKind.Left, ctrl: true);
        await Assert.That(h.InputRow()).IsEqualTo("> |one two  three");
        h.Alt('f');
        await Assert.That(h.InputRow()).IsEqualTo("> one| two  three");
        h.Press(InputKind.Right, ctrl: true);
        await Assert.That(h.InputRow()).IsEqualTo("> one two|  three");
    }

    [Test]
    public async Task Ctrl_u_k_and_w_delete_to_the_start_to_the_end_and_a_word_back()
    {
        var h = new Harness();
        h.Type("say hello there");
        h.Ctrl('w');
        await Assert.That(h.InputRow()).IsEqualTo("> say hello |");
        h.Alt('b');
        h.Ctrl('k');
        await Assert.That(h.InputRow()).IsEqualTo("> say |");
        h.Type("bye");
        h.Press(InputKind.Left);
        h.Ctrl('u');
        await Assert.That(h.InputRow()).IsEqualTo("> |e");
    }

    [Test]
    public async Task Wide_and_combined_characters_are_one_step_for_the_cursor()
    {
        var h = new Harness();
        h.Type("a世e\u0301b");
        h.Press(InputKind.Left);
        h.Press(InputKind.Left);
        await Assert.That(h.InputRow()).IsEqualTo("> a世|e\u0301b");
        h.Press(InputKind.Left);
        await Assert.That(h.InputRow()).IsEqualTo("> a|世e\u0301b");
        h.Press(InputKind.Delete);
        await Assert.That(h.InputRow()).IsEqualTo("> a|e\u0301b");
    }

    [Test]
    public async Task Enter_sends_the_line_clears_the_input_and_ignores_blank_lines()
    {
        var h = new Harness();
        h.Type("hi all");
        h.Press(InputKind.Enter);
        h.Type("   ");
        h.Press(InputKind.Enter);
        await Assert.That(h.Entered).IsEquivalentTo(new[] { "hi all" });
        await Assert.That(h.InputRow()).IsEqualTo("> |");
    }

    [Test]
    public async Task Up_and_down_recall_earlier_lines_and_bring_back_the_draft()
    {
        var h = new Harness();
        foreach (string line in new[] { "first", "second" })
        {
            h.Type(line);
            h.Press(InputKind.Enter);
        }
        h.Type("draft");
        h.Press(InputKind.Up);
        await Assert.That(h.InputRow()).IsEqualTo("> second|");
        h.Press(InputKind.Up);
        h.Press(InputKind.Up);
        await Assert.That(h.InputRow()).IsEqualTo("> first|");
        h.Press(InputKind.Down);
        await Assert.That(h.InputRow()).IsEqualTo("> second|");
        h.Press(InputKind.Down);
        await Assert.That(h.InputRow()).IsEqualTo("> draft|");
    }

    [Test]
    public async Task Tab_completes_a_name_and_again_cycles_to_the_next_match()
    {
        var h = new Harness();
        h.Type("b");
        h.Press(InputKind.Tab);
        await Assert.That(h.InputRow()).IsEqualTo("> bert: |").Because("at the start of a line a name is addressed, as on IRC");
        h.Press(InputKind.Tab);
        await Assert.That(h.InputRow()).IsEqualTo("> bob: |");
        h.Press(InputKind.Tab);
        await Assert.That(h.InputRow()).IsEqualTo("> bert: |");
    }

    [Test]
    public async Task Tab_completes_a_mention_inside_a_line_and_a_command_at_its_start()
    {
        var h = new Harness();
        h.Type("hi @ca");
        h.Press(InputKind.Tab);
        await Assert.That(h.InputRow()).IsEqualTo("> hi @carol |");
        h.Ctrl('u');
        h.Type(":pe");
        h.Press(InputKind.Tab);
        await Assert.That(h.InputRow()).IsEqualTo("> :peers |");
        h.Ctrl('u');
        h.Type("zz");
        h.Press(InputKind.Tab);
        await Assert.That(h.InputRow()).IsEqualTo("> zz|").Because("no match changes nothing");
    }

    [Test]
    public async Task Page_up_and_the_wheel_scroll_the_messages_and_end_at_the_end_of_the_input_returns()
    {
        var h = new Harness();
        for (int i = 1; i <= 20; i++)
            h.Screen.Add(new DisplayLine(LineKind.Message, $"m{i}", "bob"));
        h.Press(InputKind.PageUp);
        h.Renderer.Render(h.Screen);
        await Assert.That(h.Terminal.Row(5)).IsEqualTo("-- more below (End) --");
        await Assert.That(h.Terminal.Row(4)).IsEqualTo("bob: m15");
        h.Press(InputKind.WheelDown);
        h.Press(InputKind.WheelUp);
        h.Press(InputKind.WheelUp);
        h.Renderer.Render(h.Screen);
        await Assert.That(h.Terminal.Row(4)).IsEqualTo("bob: m12");
        h.Type("x");
        h.Press(InputKind.Left);
        h.Press(InputKind.End);
        await Assert.That(h.Screen.Anchor).IsNotNull().Because("End first moves to the end of the input");
        h.Press(InputKind.End);
        await Assert.That(h.Screen.Anchor).IsNull();
        h.Press(InputKind.PageUp);
        h.Press(InputKind.PageDown);
        await Assert.That(h.Screen.Anchor).IsNull();
    }

    [Test]
    public async Task A_multi_line_paste_sends_one_message_per_line_and_keeps_the_last_partial_line()
    {
        var h = new Harness();
        h.Type(">> ");
        h.Editor.Apply(new InputEvent(InputKind.Paste, Text: "line one\nline\ttwo\n\nline \u001b[31mthree"));
        await Assert.That(h.Entered).IsEquivalentTo(new[] { ">> line one", "line two" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(h.InputRow()).IsEqualTo("> line [31mthree|").Because("control characters in a paste are dropped, never acted on");
    }

    [Test]
    public async Task Ctrl_c_quits_and_ctrl_d_quits_only_on_an_empty_line()
    {
        var h = new Harness();
        await Assert.That(h.Ctrl('c')).IsEqualTo(EditorResult.Quit);
        h.Type("ab");
        h.Press(InputKind.Home);
        await Assert.That(h.Ctrl('d')).IsEqualTo(EditorResult.None);
        await Assert.That(h.InputRow()).IsEqualTo("> |b");
        h.Ctrl('k');
        await Assert.That(h.Ctrl('d')).IsEqualTo(EditorResult.Quit);
        await Assert.That(h.Ctrl('l')).IsEqualTo(EditorResult.Redraw);
    }

    [Test]
    public async Task A_mention_of_our_name_is_found_as_a_word_in_any_case()
    {
        await Assert.That(InteractiveSession.Mentions("hey @Alice, look", "alice")).IsTrue();
        await Assert.That(InteractiveSession.Mentions("@alice", "alice")).IsTrue();
        await Assert.That(InteractiveSession.Mentions("@alicex and alice", "alice")).IsFalse();
        await Assert.That(InteractiveSession.Mentions("mail alice@example.org", "example")).IsFalse();
    }
}
