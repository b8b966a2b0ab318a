// One decoded keyboard, paste or mouse-wheel event from the raw terminal (see KeyDecoder), as the session consumes it.
namespace P2PChat.Ui;

internal enum InputKind { Char, Enter, Tab, BackTab, Backspace, Delete, Left, Right, Up, Down, Home, End, PageUp, PageDown, Escape, Paste, WheelUp, WheelDown }

/// Rune is set for Char (Ctrl-letters arrive as Char with Ctrl=true and the lower-case letter, e.g. Ctrl-A = ('a', Ctrl)); Alt for ESC-prefixed keys (Alt-b = ('b', Alt)); Text for Paste (the pasted text, line breaks normalised to '\n').
internal readonly record struct InputEvent(InputKind Kind, System.Text.Rune Rune = default, bool Ctrl = false, bool Alt = false, string? Text = null);
