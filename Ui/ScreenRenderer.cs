// Draws a ChatScreen: the message field on top (newest line at the bottom, long lines wrapped), a one-line status
// bar, and the input field on the last row with the cursor in it. Each frame is composed in one buffer and written
// once; only rows that changed since the last frame are rewritten, and everything after a resize.
//
// Escape sequences used (all ECMA-48 / xterm, understood by every terminal p2pchat targets):
//   ESC[?25l / ESC[?25h   hide / show the cursor while drawing
//   ESC[row;colH          move the cursor (1-based)
//   ESC[K                 clear to the end of the row
//   ESC[2J                clear the screen (full redraws only)
//   ESC[7m ESC[2m ESC[1m ESC[0m   reverse (status bar), dim (INFO), bold (own lines), reset
// (ConsoleTerminal adds ESC[?1049h / ESC[?1049l to enter and leave the alternate screen.)
using System.Text;

namespace P2PChat.Ui;

internal sealed class ScreenRenderer(ITerminal terminal, bool colors = true)
{
    public const int MinWidth = 10;
    public const int MinHeight = 3;
    private const string Prompt = "> ";

    private string[] _previous = [];
    private (int Width, int Height) _size;

    /// <summary>Forces the next frame to redraw every row (after a resize, or when the screen state is unknown).</summary>
    public void Invalidate() => _previous = [];

    public void Render(ChatScreen screen)
    {
        (int width, int height) = terminal.Size;
        bool fits = width >= MinWidth && height >= MinHeight;
        int cursorColumn = 0;
        string[] rows = fits ? Compose(screen, width, height, out cursorColumn) : TooSmall(width, height);
        bool full = _size != (width, height) || _previous.Length != rows.Length;
        _size = (width, height);

        var frame = new StringBuilder(full ? width * height * 2 : 256);
        frame.Append("\x1b[?25l");
        if (full)
            frame.Append("\x1b[2J");
        for (int row = 0; row < rows.Length; row++)
        {
            if (!full && rows[row] == _previous[row])
                continue;
            frame.Append("\x1b[").Append(row + 1).Append(";1H").Append(rows[row]).Append("\x1b[K");
        }
        if (fits)
        {
            frame.Append("\x1b[").Append(height).Append(';').Append(Prompt.Length + cursorColumn + 1).Append('H');
            frame.Append("\x1b[?25h");
        }
        _previous = rows;
        terminal.Write(frame.ToString());
    }

    private string[] Compose(ChatScreen screen, int width, int height, out int cursorColumn)
    {
        var rows = new string[height];
        int messageRows = height - 2;

        // Fill the message field from the bottom up with the newest lines, wrapped to the width.
        var wrapped = new List<string>();
        int next = messageRows - 1;
        foreach (DisplayLine line in screen.Lines.Reverse())
        {
            if (next < 0)
                break;
            wrapped.Clear();
            Wrap(line.Text, width, wrapped);
            for (int i = wrapped.Count - 1; i >= 0 && next >= 0; i--)
                rows[next--] = Style(line.Kind, wrapped[i]);
        }
        while (next >= 0)
            rows[next--] = "";

        string status = Fit(screen.Status, width);
        rows[height - 2] = colors ? $"\x1b[7m{status}{new string(' ', width - CellWidth.Of(status))}\x1b[0m" : status;

        (string visible, cursorColumn) = screen.Input.View(width - Prompt.Length);
        rows[height - 1] = Prompt + visible;
        return rows;
    }

    private string Style(LineKind kind, string text) => !colors ? text : kind switch
    {
        LineKind.Info or LineKind.History => $"\x1b[2m{text}\x1b[0m",
        LineKind.Own => $"\x1b[1m{text}\x1b[0m",
        _ => text,
    };

    private static string[] TooSmall(int width, int height)
    {
        var rows = new string[Math.Max(1, height)];
        for (int i = 0; i < rows.Length; i++)
            rows[i] = "";
        rows[0] = Fit("terminal too small", Math.Max(1, width));
        return rows;
    }

    /// <summary>Splits <paramref name="text"/> into rows of at most <paramref name="width"/> cells, never inside a
    /// user-perceived character; a wide one that does not fit at the end of a row starts the next one.</summary>
    internal static void Wrap(string text, int width, List<string> rows)
    {
        int start = 0;
        int used = 0;
        for (int i = 0; i < text.Length;)
        {
            int length = CellWidth.NextCluster(text.AsSpan(i), out int w);
            if (used + w > width && used > 0)
            {
                rows.Add(text[start..i]);
                start = i;
                used = 0;
            }
            i += length;
            used += w;
        }
        rows.Add(text[start..]);
    }

    /// <summary>The longest prefix of <paramref name="text"/> that fits in <paramref name="width"/> cells, cut only
    /// between user-perceived characters.</summary>
    internal static string Fit(string text, int width)
    {
        int used = 0;
        int i = 0;
        while (i < text.Length)
        {
            int length = CellWidth.NextCluster(text.AsSpan(i), out int w);
            if (used + w > width)
                break;
            i += length;
            used += w;
        }
        return text[..i];
    }
}
