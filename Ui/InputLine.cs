// The input field's model (linenoise's): a buffer of runes, a cursor index, and a view that scrolls sideways so
// the cursor always stays visible. Pure: no console. Line editing keys beyond the basics plug in here.
using System.Text;

namespace P2PChat.Ui;

internal sealed class InputLine
{
    private readonly List<Rune> _runes = [];

    /// <summary>Index into _runes where the next rune goes: 0..Count.</summary>
    public int Cursor { get; private set; }

    /// <summary>First rune shown in the field; adjusted by View so the cursor is inside it.</summary>
    private int _scroll;

    public bool IsEmpty => _runes.Count == 0;

    public string Text
    {
        get
        {
            var builder = new StringBuilder(_runes.Count);
            foreach (Rune rune in _runes)
                builder.Append(rune.ToString());
            return builder.ToString();
        }
    }

    public void Insert(Rune rune) => _runes.Insert(Cursor++, rune);

    public void Backspace()
    {
        if (Cursor > 0)
            _runes.RemoveAt(--Cursor);
    }

    public void Delete()
    {
        if (Cursor < _runes.Count)
            _runes.RemoveAt(Cursor);
    }

    public void Left() => Cursor = Math.Max(0, Cursor - 1);
    public void Right() => Cursor = Math.Min(_runes.Count, Cursor + 1);
    public void Home() => Cursor = 0;
    public void End() => Cursor = _runes.Count;

    public void Clear()
    {
        _runes.Clear();
        Cursor = 0;
        _scroll = 0;
    }

    /// <summary>The visible part for a field <paramref name="width"/> cells wide, and the cursor's cell in it.</summary>
    public (string Visible, int CursorColumn) View(int width)
    {
        width = Math.Max(1, width);
        // Keep the cursor inside [_scroll, _scroll + width): scroll left if it went before, right if past the end.
        if (Cursor < _scroll)
            _scroll = Cursor;
        while (WidthOf(_scroll, Cursor) >= width && _scroll < Cursor)
            _scroll++;
        var visible = new StringBuilder();
        int used = 0;
        int cursorColumn = 0;
        for (int i = _scroll; i < _runes.Count; i++)
        {
            if (i == Cursor)
                cursorColumn = used;
            int w = CellWidth.Of(_runes[i]);
            if (used + w > width)
                break;
            visible.Append(_runes[i].ToString());
            used += w;
        }
        if (Cursor == _runes.Count)
            cursorColumn = WidthOf(_scroll, Cursor);
        return (visible.ToString(), cursorColumn);
    }

    private int WidthOf(int from, int to)
    {
        int width = 0;
        for (int i = from; i < to; i++)
            width += CellWidth.Of(_runes[i]);
        return width;
    }
}
