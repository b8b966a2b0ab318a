// The input field's model (linenoise's and PSReadLine's): the text, a cursor, and a view that scrolls sideways so
// the cursor always stays visible. The cursor moves over user-perceived characters (grapheme clusters), so an
// accented letter, a flag or a family emoji is one step and never split. Pure: no console.
using System.Text;

namespace P2PChat.Ui;

internal sealed class InputLine
{
    /// <summary>Longest input kept: a paste beyond it is cut (a message is at most 8 KiB anyway, and is split).</summary>
    public const int MaxChars = 64 * 1024;

    private readonly StringBuilder _text = new();
    private string? _cached;

    /// <summary>Position in Text (a UTF-16 index at a cluster boundary) where typing goes: 0..Length.</summary>
    public int Cursor { get; private set; }

    /// <summary>Index of the first char shown in the field; adjusted by View so the cursor is inside it.</summary>
    private int _scroll;

    public bool IsEmpty => _text.Length == 0;

    public string Text => _cached ??= _text.ToString();

    public void Insert(Rune rune)
    {
        Span<char> chars = stackalloc char[2];
        Insert(chars[..rune.EncodeToUtf16(chars)]);
    }

    public void Insert(ReadOnlySpan<char> text)
    {
        int room = MaxChars - _text.Length;
        if (room <= 0)
            return;
        if (text.Length > room)
            text = text[..room];
        _text.Insert(Cursor, text);
        Cursor += text.Length;
        Changed();
    }

    /// <summary>Replaces the whole line (history, completion) and puts the cursor at its end.</summary>
    public void Set(string text)
    {
        _text.Clear().Append(text.Length > MaxChars ? text[..MaxChars] : text);
        Cursor = _text.Length;
        _scroll = 0;
        Changed();
    }

    public void Clear() => Set("");

    public void Backspace() => Remove(PreviousBoundary(Cursor), Cursor);

    public void Delete() => Remove(Cursor, NextBoundary(Cursor));

    public void Left() => Cursor = PreviousBoundary(Cursor);

    public void Right() => Cursor = NextBoundary(Cursor);

    public void Home() => Cursor = 0;

    public void End() => Cursor = _text.Length;

    public bool AtEnd => Cursor == _text.Length;

    /// <summary>Alt-B: to the start of this or the previous word (letters and digits).</summary>
    public void WordLeft() => Cursor = WordStart(Cursor);

    /// <summary>Alt-F: to the end of this or the next word.</summary>
    public void WordRight()
    {
        int i = Cursor;
        while (i < _text.Length && !IsWordChar(i))
            i = NextBoundary(i);
        while (i < _text.Length && IsWordChar(i))
            i = NextBoundary(i);
        Cursor = i;
    }

    /// <summary>Ctrl-U: deletes from the start of the line to the cursor.</summary>
    public void KillToStart() => Remove(0, Cursor);

    /// <summary>Ctrl-K: deletes from the cursor to the end of the line.</summary>
    public void KillToEnd() => Remove(Cursor, _text.Length);

    /// <summary>Ctrl-W: deletes the whitespace-delimited word before the cursor (as in a Unix terminal).</summary>
    public void KillWordBack()
    {
        int i = Cursor;
        while (i > 0 && char.IsWhiteSpace(_text[i - 1]))
            i--;
        while (i > 0 && !char.IsWhiteSpace(_text[i - 1]))
            i = PreviousBoundary(i);
        Remove(i, Cursor);
    }

    /// <summary>Replaces Text[start..Cursor] with <paramref name="replacement"/> (completion).</summary>
    public void ReplaceBeforeCursor(int start, string replacement)
    {
        _text.Remove(start, Cursor - start).Insert(start, replacement);
        Cursor = start + replacement.Length;
        Changed();
    }

    /// <summary>The visible part for a field <paramref name="width"/> cells wide, and the cursor's cell in it.</summary>
    public (string Visible, int CursorColumn) View(int width)
    {
        width = Math.Max(1, width);
        string text = Text;
        // Keep the cursor inside [_scroll, _scroll + width): scroll left if it went before, right if past the end.
        if (Cursor < _scroll || _scroll > text.Length)
            _scroll = Math.Min(Cursor, text.Length);
        while (_scroll < Cursor && TextLayout.Width(text[_scroll..Cursor]) >= width)
            _scroll += TextLayout.ClusterLength(text, _scroll);
        int cursorColumn = TextLayout.Width(text[_scroll..Cursor]);
        return (TextLayout.Fit(text[_scroll..], width), cursorColumn);
    }

    private void Remove(int start, int end)
    {
        if (end <= start)
            return;
        _text.Remove(start, end - start);
        Cursor = start;
        Changed();
    }

    private void Changed()
    {
        _cached = null;
        if (_scroll > _text.Length)
            _scroll = 0;
    }

    private int NextBoundary(int index) => Math.Min(_text.Length, index + TextLayout.ClusterLength(Text, index));

    private int PreviousBoundary(int index)
    {
        int previous = 0;
        for (int i = 0; i < index;)
        {
            previous = i;
            i += TextLayout.ClusterLength(Text, i);
        }
        return previous;
    }

    private int WordStart(int index)
    {
        int i = index;
        while (i > 0 && !IsWordChar(PreviousBoundary(i)))
            i = PreviousBoundary(i);
        while (i > 0 && IsWordChar(PreviousBoundary(i)))
            i = PreviousBoundary(i);
        return i;
    }

    private bool IsWordChar(int index) =>
        Rune.DecodeFromUtf16(Text.AsSpan(index), out Rune rune, out _) == System.Buffers.OperationStatus.Done && Rune.IsLetterOrDigit(rune);
}
