// What each key does to the screen: line editing (emacs keys as in bash and PSReadLine), input history, Tab
// completion, scrolling the message field, and paste. Pure: it changes a ChatScreen and hands entered lines to
// the session; the session draws. Keys:
//   Enter send          Left/Right, Ctrl-B/F   a character     Alt-B/F, Ctrl-Left/Right   a word
//   Home/End, Ctrl-A/E  start / end of input (End at the end also returns to the newest message)
//   Backspace/Delete    a character           Ctrl-U / Ctrl-K    delete to start / end    Ctrl-W delete a word back
//   Up/Down             input history         Tab                complete a name or command (again: the next one)
//   PgUp/PgDn, wheel    scroll messages       Ctrl-End           back to the newest message
//   Ctrl-L              redraw                Ctrl-C, Ctrl-D on an empty line   quit
// A paste is text, never keys: each complete pasted line is sent as one message, and a last line without a line
// break stays in the input to be edited; no Enter inside a paste ever sends anything else.
using System.Text;

namespace P2PChat.Ui;

internal enum EditorResult
{
    None,
    Quit,
    Redraw,

    /// <summary>Ctrl-Z: give the terminal back and stop, as a shell's job would; the screen is redrawn on fg.</summary>
    Suspend,
}

internal sealed class InputEditor(ChatScreen screen, Func<IReadOnlyList<string>> names, Func<int> viewRows, Func<DisplayLine, int> rowsOf)
{
    private static readonly IReadOnlyList<string> Commands = ChatCommands.Words(CommandSurface.FullScreen);

    private readonly Completion _completion = new();

    /// <summary>Lines the user entered, in order, for the session to send or run.</summary>
    public event Action<string>? Entered;

    public EditorResult Apply(in InputEvent key)
    {
        InputLine input = screen.Input;
        if (key.Kind != InputKind.Tab)
            _completion.Reset();
        switch (key.Kind)
        {
            case InputKind.Char when key.Ctrl:
                return Control(key.Rune.Value);
            case InputKind.Char when key.Alt:
                if (key.Rune.Value == 'b')
                    input.WordLeft();
                else if (key.Rune.Value == 'f')
                    input.WordRight();
                return EditorResult.None;
            case InputKind.Char:
                input.Insert(key.Rune);
                return EditorResult.None;
            case InputKind.Enter:
                Enter();
                return EditorResult.None;
            case InputKind.Paste:
                Paste(key.Text ?? "");
                return EditorResult.None;
            case InputKind.Tab:
                _completion.Complete(input, names(), Commands);
                return EditorResult.None;
            case InputKind.Backspace:
                if (key.Alt || key.Ctrl)
                    input.KillWordBack();
                else
                    input.Backspace();
                return EditorResult.None;
            case InputKind.Delete:
                input.Delete();
                return EditorResult.None;
            case InputKind.Left:
                if (key.Ctrl || key.Alt)
                    input.WordLeft();
                else
                    input.Left();
                return EditorResult.None;
            case InputKind.Right:
                if (key.Ctrl || key.Alt)
                    input.WordRight();
                else
                    input.Right();
                return EditorResult.None;
            case InputKind.Home:
                input.Home();
                return EditorResult.None;
            case InputKind.End:
                if (key.Ctrl || input.AtEnd)
                    screen.ScrollToBottom();
                input.End();
                return EditorResult.None;
            case InputKind.Up:
                if (screen.History.Previous(input.Text) is { } older)
                    input.Set(older);
                return EditorResult.None;
            case InputKind.Down:
                if (screen.History.Next() is { } newer)
                    input.Set(newer);
                return EditorResult.None;
            case InputKind.PageUp:
                screen.ScrollUp(Math.Max(1, viewRows() - 1), viewRows(), rowsOf);
                return EditorResult.None;
            case InputKind.PageDown:
                screen.ScrollDown(Math.Max(1, viewRows() - 1), rowsOf);
                return EditorResult.None;
            case InputKind.WheelUp:
                screen.ScrollUp(3, viewRows(), rowsOf);
                return EditorResult.None;
            case InputKind.WheelDown:
                screen.ScrollDown(3, rowsOf);
                return EditorResult.None;
            default:
                return EditorResult.None; // Escape, BackTab: nothing (yet)
        }
    }

    private EditorResult Control(int letter)
    {
        InputLine input = screen.Input;
        switch (letter)
        {
            case 'c':
                return EditorResult.Quit;
            case 'z':
                return EditorResult.Suspend;
            case 'd':
                if (input.IsEmpty)
                    return EditorResult.Quit;
                input.Delete();
                break;
            case 'a':
                input.Home();
                break;
            case 'e':
                input.End();
                break;
            case 'b':
                input.Left();
                break;
            case 'f':
                input.Right();
                break;
            case 'u':
                input.KillToStart();
                break;
            case 'k':
                input.KillToEnd();
                break;
            case 'w':
                input.KillWordBack();
                break;
            case 'h':
                input.Backspace();
                break;
            case 'l':
                return EditorResult.Redraw;
        }
        return EditorResult.None;
    }

    private void Enter()
    {
        string line = screen.Input.Text;
        screen.Input.Clear();
        if (line.Trim().Length == 0)
            return;
        screen.History.Add(line);
        screen.ScrollToBottom();
        Entered?.Invoke(line);
    }

    private void Paste(string text)
    {
        // Line breaks in a paste end lines; every other control character is dropped, never acted on.
        var line = new StringBuilder();
        foreach (Rune rune in text.EnumerateRunes())
        {
            if (rune.Value == '\n')
            {
                screen.Input.Insert(line.ToString());
                line.Clear();
                Enter();
            }
            else if (rune.Value == '\t')
            {
                line.Append(' ');
            }
            else if (!Rune.IsControl(rune))
            {
                line.Append(rune.ToString());
            }
        }
        screen.Input.Insert(line.ToString());
    }
}
