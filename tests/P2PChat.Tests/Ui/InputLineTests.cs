// The input field's editing model.
using System.Text;
using P2PChat.Ui;

namespace P2PChat.Tests.Ui;

public class InputLineTests
{
    private static InputLine With(string text)
    {
        var line = new InputLine();
        foreach (Rune rune in text.EnumerateRunes())
            line.Insert(rune);
        return line;
    }

    [Test]
    public async Task Typing_appends_at_the_cursor()
    {
        InputLine line = With("helo");
        line.Left();
        line.Insert(new Rune('l'));
        await Assert.That(line.Text).IsEqualTo("hello");
        await Assert.That(line.Cursor).IsEqualTo(4);
    }

    [Test]
    public async Task Backspace_and_delete_remove_around_the_cursor()
    {
        InputLine line = With("abcd");
        line.Left();
        line.Left();
        line.Backspace();
        line.Delete();
        await Assert.That(line.Text).IsEqualTo("ad");
    }

    [Test]
    public async Task Home_and_end_move_to_the_ends_and_arrows_stop_there()
    {
        InputLine line = With("abc");
        line.Home();
        line.Left();
        await Assert.That(line.Cursor).IsEqualTo(0);
        line.End();
        line.Right();
        await Assert.That(line.Cursor).IsEqualTo(3);
    }

    [Test]
    public async Task An_emoji_outside_the_basic_plane_is_one_step_and_two_cells()
    {
        InputLine line = With("a😀b");
        line.End();
        line.Left();
        line.Left();
        await Assert.That(line.Cursor).IsEqualTo(1);
        line.End();
        (string visible, int column) = line.View(20);
        await Assert.That(visible).IsEqualTo("a😀b");
        await Assert.That(column).IsEqualTo(4);
    }

    [Test]
    public async Task Clear_empties_the_line()
    {
        InputLine line = With("something");
        line.Clear();
        await Assert.That(line.IsEmpty).IsTrue();
        await Assert.That(line.View(10)).IsEqualTo(("", 0));
    }
}
