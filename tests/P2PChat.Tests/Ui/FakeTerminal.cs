// A terminal for renderer tests: applies the escape sequences ScreenRenderer emits to a grid of cells, so tests
// assert on what a person would see. It draws user-perceived characters (grapheme clusters) whole, the way a terminal
// that knows emoji sequences does: a wide one takes its cell plus a blank continuation cell. Also the terminal of
// whole-session tests (ISessionTerminal): a session writes from its loop while the test reads, so both take a lock.
using System.Text;
using P2PChat.Ui;

namespace P2PChat.Tests.Ui;

internal sealed class FakeTerminal(int width, int height) : ISessionTerminal
{
    private readonly Lock _lock = new();
    private string[,] _cells = NewGrid(width, height);
    private string[,] _styles = NewGrid(width, height, "");
    private string _sgr = "";

    /// <summary>BEL characters written.</summary>
    public int Bells { get; private set; }

    public (int Width, int Height) Size { get; private set; } = (width, height);
    public int CursorRow { get; private set; }
    public int CursorColumn { get; private set; }
    public bool CursorVisible { get; private set; } = true;
    public int Writes { get; private set; }
    public List<string> Frames { get; } = [];

    public event Action? Resized;

    public bool Colors { get; init; }

    public bool Colors256 { get; init; }

    /// <summary>Times the session handed the user's own screen back (Leave) and took it again (Enter).</summary>
    public int Leaves { get; private set; }

    public int Enters { get; private set; }

    /// <summary>The terminal went away: writes are lost from here on, as on a closed pty.</summary>
    public bool Vanished { get; set; }

    public void Leave() => Leaves++;

    public void Enter() => Enters++;

    /// <summary>Changes the size (a real terminal's content after a resize is not to be trusted: blanked) and says so,
    /// as SIGWINCH would.</summary>
    public void Resize(int newWidth, int newHeight)
    {
        lock (_lock)
        {
            Size = (newWidth, newHeight);
            _cells = NewGrid(newWidth, newHeight);
            _styles = NewGrid(newWidth, newHeight, "");
        }
        Resized?.Invoke();
    }

    public void Write(string frame)
    {
        lock (_lock)
        {
            if (!Vanished)
                Draw(frame);
        }
    }

    private void Draw(string frame)
    {
        Writes++;
        Frames.Add(frame);
        int i = 0;
        while (i < frame.Length)
        {
            if (frame[i] == '\x1b')
            {
                i = ApplyEscape(frame, i);
                continue;
            }
            if (frame[i] == '\a')
            {
                Bells++;
                i++;
                continue;
            }
            int used = CellWidth.NextCluster(frame.AsSpan(i), out int cells);
            string cluster = frame.Substring(i, used);
            i += used;
            foreach (Rune rune in cluster.EnumerateRunes())
            {
                if (rune.Value < 0x20 || rune.Value is >= 0x7F and < 0xA0)
                    throw new InvalidOperationException($"raw control character U+{rune.Value:X4} written to the terminal");
            }
            if (cells == 0)
            {
                if (CursorColumn > 0)
                    _cells[CursorRow, CursorColumn - 1] += cluster;
                continue;
            }
            if (CursorColumn + cells > Size.Width)
                throw new InvalidOperationException($"text written past the right edge on row {CursorRow}: '{cluster}'");
            _cells[CursorRow, CursorColumn] = cluster;
            _styles[CursorRow, CursorColumn] = _sgr;
            for (int c = 1; c < cells; c++)
                _cells[CursorRow, CursorColumn + c] = "";
            CursorColumn += cells;
        }
    }

    private int ApplyEscape(string frame, int start)
    {
        if (frame[start + 1] != '[')
            throw new InvalidOperationException($"unexpected escape at {start}");
        int i = start + 2;
        bool isPrivate = frame[i] == '?';
        if (isPrivate)
            i++;
        int paramsStart = i;
        while (char.IsDigit(frame[i]) || frame[i] == ';')
            i++;
        string[] parameters = frame[paramsStart..i].Split(';');
        char final = frame[i];
        switch (final)
        {
            case 'H':
                CursorRow = parameters[0].Length > 0 ? int.Parse(parameters[0]) - 1 : 0;
                CursorColumn = parameters.Length > 1 ? int.Parse(parameters[1]) - 1 : 0;
                break;
            case 'K':
                for (int c = CursorColumn; c < Size.Width; c++)
                    (_cells[CursorRow, c], _styles[CursorRow, c]) = (" ", _sgr);
                break;
            case 'J':
                _cells = NewGrid(Size.Width, Size.Height);
                _styles = NewGrid(Size.Width, Size.Height, "");
                break;
            case 'l' or 'h' when isPrivate && parameters[0] == "25":
                CursorVisible = final == 'h';
                break;
            case 'm':
                _sgr = parameters[0] is "" or "0" ? "" : string.Join(';', parameters);
                break;
            default:
                throw new InvalidOperationException($"unsupported sequence ESC[{(isPrivate ? "?" : "")}{frame[paramsStart..i]}{final}");
        }
        return i + 1;
    }

    /// <summary>Row <paramref name="row"/> as text, trailing blanks removed.</summary>
    public string Row(int row)
    {
        lock (_lock)
        {
            var text = new StringBuilder();
            for (int c = 0; c < Size.Width; c++)
                text.Append(_cells[row, c]);
            return text.ToString().TrimEnd();
        }
    }

    /// <summary>The text of cells [<paramref name="from"/>, <paramref name="to"/>) of a row, untrimmed.</summary>
    public string Cells(int row, int from, int to)
    {
        lock (_lock)
        {
            var text = new StringBuilder();
            for (int c = from; c < Math.Min(to, Size.Width); c++)
                text.Append(_cells[row, c]);
            return text.ToString();
        }
    }

    public string[] Screen()
    {
        lock (_lock)
            return [.. Enumerable.Range(0, Size.Height).Select(Row)];
    }

    /// <summary>The SGR parameters the cell was drawn with ("" for none), e.g. "1;33".</summary>
    public string StyleAt(int row, int column)
    {
        lock (_lock)
            return _styles[row, column];
    }

    /// <summary>Column of the first occurrence of <paramref name="text"/> in row <paramref name="row"/>, or -1.</summary>
    public int ColumnOf(int row, string text) => Row(row).IndexOf(text, StringComparison.Ordinal);

    private static string[,] NewGrid(int width, int height, string fill = " ")
    {
        var grid = new string[height, width];
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
                grid[r, c] = fill;
        return grid;
    }
}
