// Maps .NET's ConsoleKeyInfo (Console.ReadKey) to InputEvent: the key source while raw terminal input is not in use.
using System.Text;

namespace P2PChat.Ui;

internal static class ConsoleKeys
{
    public static InputEvent? From(ConsoleKeyInfo key)
    {
        bool ctrl = (key.Modifiers & ConsoleModifiers.Control) != 0;
        bool alt = (key.Modifiers & ConsoleModifiers.Alt) != 0;
        InputKind? kind = key.Key switch
        {
            ConsoleKey.Enter => InputKind.Enter,
            ConsoleKey.Tab => (key.Modifiers & ConsoleModifiers.Shift) != 0 ? InputKind.BackTab : InputKind.Tab,
            ConsoleKey.Backspace => InputKind.Backspace,
            ConsoleKey.Delete => InputKind.Delete,
            ConsoleKey.LeftArrow => InputKind.Left,
            ConsoleKey.RightArrow => InputKind.Right,
            ConsoleKey.UpArrow => InputKind.Up,
            ConsoleKey.DownArrow => InputKind.Down,
            ConsoleKey.Home => InputKind.Home,
            ConsoleKey.End => InputKind.End,
            ConsoleKey.PageUp => InputKind.PageUp,
            ConsoleKey.PageDown => InputKind.PageDown,
            ConsoleKey.Escape => InputKind.Escape,
            _ => null,
        };
        if (kind is { } k)
            return new InputEvent(k, Ctrl: ctrl, Alt: alt);
        char c = key.KeyChar;
        if (c == '\x7f' || c == '\b')
            return new InputEvent(InputKind.Backspace);
        if (c is >= '\x01' and <= '\x1a')
            return new InputEvent(InputKind.Char, new Rune(c + 'a' - 1), Ctrl: true);
        if (ctrl && key.Key is >= ConsoleKey.A and <= ConsoleKey.Z)
            return new InputEvent(InputKind.Char, new Rune('a' + (key.Key - ConsoleKey.A)), Ctrl: true);
        if (c >= ' ' && !char.IsSurrogate(c))
            return new InputEvent(InputKind.Char, new Rune(alt ? char.ToLowerInvariant(c) : c), Alt: alt);
        return null;
    }
}
