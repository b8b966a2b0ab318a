// Draws a ChatScreen: the message field on top (newest line at the bottom, or the line the user scrolled back to,
// long lines wrapped, their continuation rows indented under the text as irssi and weechat do, so that no wrapped row
// can pass for a line of its own, however a peer pads its text), a one-line status bar, and the input field on the last row with the cursor in it. Each frame
// is composed in one buffer and written once; only rows that changed since the last frame are rewritten, and
// everything after a resize. Message lines show "HH:mm", the sender in a colour of its own (stable: a hash of the
// name), our own lines in bold, INFO and history dim, and lines that mention us in bold reverse video. Colours are
// chosen to read on a dark and on a light background alike (checked in xterm under Xvfb with its default colours, on
// black and on white): of the 16, only red, magenta, bright red, bright blue and bright magenta do (yellow, cyan and
// the greens wash out on white, blue sinks into black), so a terminal that says it has 256 colours (TERM *256color,
// or COLORTERM) gets ten mid-tone ones instead. With colors off (NO_COLOR) only attributes are used: bold, dim,
// underline, reverse.
//
// Escape sequences used (all ECMA-48 / xterm, understood by every terminal p2pchat targets):
//   ESC[?25l / ESC[?25h   hide / show the cursor while drawing
//   ESC[row;colH          move the cursor (1-based)
//   ESC[K                 clear to the end of the row
//   ESC[2J                clear the screen (full redraws only)
//   ESC[...m              SGR: 0 reset, 1 bold, 2 dim, 4 underline, 7 reverse, 31/35/91/94/95 and 38;5;N foreground colours
//   BEL                   once, when a line mentions us while the view is scrolled back
// (ConsoleTerminal adds ESC[?1049h / ESC[?1049l to enter and leave the alternate screen.)
using System.Text;

namespace P2PChat.Ui;

internal sealed class ScreenRenderer(ITerminal terminal, bool colors = true, bool colors256 = false)
{
    /// <summary>Smallest terminal the two fields are drawn in; below it a notice says so.</summary>
    public const int MinWidth = 20;
    public const int MinHeight = 5;
    private const string Prompt = "> ";

    /// <summary>Sender colours of the 16 that read on both black and white in xterm's default palette.</summary>
    internal static readonly string[] Palette = ["31", "35", "91", "94", "95"];

    /// <summary>Sender colours for 256-colour terminals: mid tones (xterm 160, 127, 28, 31, 130, 98, 166, 33, 161, 65),
    /// each at least ~3.5:1 against black and against white.</summary>
    internal static readonly string[] Palette256 =
        ["38;5;160", "38;5;127", "38;5;28", "38;5;31", "38;5;130", "38;5;98", "38;5;166", "38;5;33", "38;5;161", "38;5;65"];

    /// <summary>A line that mentions us: bold reverse video, which reads on any background (bold yellow did not on white).</summary>
    private const string MentionStyle = "1;7";

    private string[] _previous = [];
    private (int Width, int Height) _size;
    private readonly List<string> _wrapped = [];
    private readonly List<string> _head = [];
    private readonly List<StyledText> _runs = [];

    /// <summary>Forces the next frame to redraw every row (after a resize, or when the screen state is unknown).</summary>
    public void Invalidate() => _previous = [];

    /// <summary>Rows of the message field at the current size (for paging).</summary>
    public int ViewRows => Math.Max(1, terminal.Size.Height - 2);

    /// <summary>Rows <paramref name="line"/> takes at the current width.</summary>
    public int RowsOf(DisplayLine line)
    {
        _wrapped.Clear();
        return TextLayout.Wrap(Runs(line), terminal.Size.Width, _wrapped, styled: false, IndentOf(line, terminal.Size.Width));
    }

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
        if (screen.BellPending)
        {
            frame.Append('\a');
            screen.BellPending = false;
        }
        _previous = rows;
        terminal.Write(frame.ToString());
    }

    private string[] Compose(ChatScreen screen, int width, int height, out int cursorColumn)
    {
        var rows = new string[height];
        int next = height - 3; // the last message row

        if (screen.Anchor is not null)
        {
            string marker = screen.Unseen > 0
                ? $"-- {screen.Unseen} new below (End) --"
                : "-- more below (End) --";
            rows[next--] = Bar(marker, width);
        }

        // Fill the message field from the bottom up, from the newest line (or the anchor's row), wrapped to the width.
        // Following new lines, a line taller than FoldRows shows its head (time and sender), how many rows are hidden,
        // and its last rows: one long line never pushes the conversation away. Scrolled back, every line is whole and
        // read row by row, so PgUp goes on from where the fold is.
        int foldRows = FoldRows(height - 2);
        int skip = screen.Anchor is null ? 0 : screen.AnchorSkip;
        for (long id = screen.Anchor ?? screen.NextId - 1; id >= screen.FirstId && next >= 0; id--, skip = 0)
        {
            _wrapped.Clear();
            int count = TextLayout.Wrap(Runs(screen[id]), width, _wrapped, styled: true, IndentOf(screen[id], width));
            int first = 0;
            if (screen.Anchor is null && count > foldRows)
                first = count - (foldRows - 1);
            for (int i = count - 1 - Math.Min(skip, count - 1); i >= first && next >= 0; i--)
                rows[next--] = _wrapped[i];
            if (first > 0 && next >= 0)
                rows[next--] = FoldedHead(screen[id], first, width);
        }
        while (next >= 0)
            rows[next--] = "";

        rows[height - 2] = Bar(screen.Status, width);

        (string visible, cursorColumn) = screen.Input.View(width - Prompt.Length);
        rows[height - 1] = Prompt + visible;
        return rows;
    }

    /// <summary>The first row of a folded line: its time and sender as usual, then how many rows are hidden.</summary>
    private string FoldedHead(DisplayLine line, int hidden, int width)
    {
        _head.Clear();
        TextLayout.Wrap(Runs(line with { Text = line.Kind == LineKind.Info ? "* " : "", Mention = false }), width, _head, styled: true);
        int used = _runs.Sum(run => TextLayout.Width(run.Text));
        string notice = TextLayout.Fit($"... {hidden} more rows above (PgUp)", Math.Max(0, width - used));
        return $"{_head[0]}\x1b[2m{notice}\x1b[0m";
    }

    /// <summary>Rows a line may take in the live view before it is folded: a third of the message field (at least 3).</summary>
    public static int FoldRows(int viewRows) => Math.Max(3, viewRows / 3);

    /// <summary>A full-width reverse-video row (status bar, scroll marker).</summary>
    private static string Bar(string text, int width)
    {
        string fitted = TextLayout.Fit(text, width);
        return $"\x1b[7m{fitted}{new string(' ', width - TextLayout.Width(fitted))}\x1b[0m";
    }

    /// <summary>Where a line's text starts (after "HH:mm ", "bob: " or "* "), which its continuation rows line up
    /// under: at most a third of the width, and at least 2 cells, so a continuation row never starts where lines do.</summary>
    private static int IndentOf(DisplayLine line, int width)
    {
        int lead = line.Time.Length > 0 ? TextLayout.Width(line.Time) + 1 : 0;
        if (line.Kind == LineKind.Info)
            lead += line.Text.StartsWith("* ", StringComparison.Ordinal) ? 2 : 0;
        else if (line.Sender is not null)
            lead += TextLayout.Width(line.Sender) + 2 + (line.Action ? 1 : 0); // "bob: " or "* bob "
        return Math.Clamp(lead, 2, Math.Max(2, width / 3));
    }

    /// <summary>The styled runs of one line: time, sender, text.</summary>
    private List<StyledText> Runs(DisplayLine line)
    {
        _runs.Clear();
        string dim = "2";
        if (line.Time.Length > 0)
            _runs.Add(new StyledText(line.Time + " ", dim));
        if (line.Action && line.Sender is not null)
        {
            string style = line.Kind switch { LineKind.Own => "1", LineKind.History => dim, _ => "" };
            _runs.Add(new StyledText("* ", style));
            _runs.Add(new StyledText(line.Sender, line.Kind == LineKind.Message && colors ? ColorOf(line.Sender, colors256) : style));
            _runs.Add(new StyledText(" " + line.Text, line.Mention ? (colors ? MentionStyle : "1;4") : style));
            return _runs;
        }
        switch (line.Kind)
        {
            case LineKind.Info:
                _runs.Add(new StyledText(line.Text, dim));
                break;
            case LineKind.History:
                _runs.Add(new StyledText($"{line.Sender}: {line.Text}", dim));
                break;
            case LineKind.Own:
                _runs.Add(new StyledText($"{line.Sender}: {line.Text}", "1"));
                break;
            default:
                if (line.Sender is not null)
                {
                    _runs.Add(new StyledText(line.Sender, colors ? ColorOf(line.Sender, colors256) : "1"));
                    _runs.Add(new StyledText(": "));
                }
                _runs.Add(new StyledText(line.Text, line.Mention ? (colors ? MentionStyle : "1;4") : ""));
                break;
        }
        return _runs;
    }

    /// <summary>A colour per name that is the same in every process and every run (FNV-1a, not string.GetHashCode,
    /// which is randomised per process).</summary>
    internal static string ColorOf(string name, bool colors256 = false)
    {
        uint hash = 2166136261;
        foreach (char c in name)
            hash = (hash ^ c) * 16777619;
        string[] palette = colors256 ? Palette256 : Palette;
        return palette[hash % (uint)palette.Length];
    }

    /// <summary>Whether the terminal says it shows 256 colours (TERM xterm-256color, tmux-256color, ...; COLORTERM).</summary>
    public static bool Has256Colors(string? term, string? colorTerm) =>
        term?.Contains("256color", StringComparison.Ordinal) == true || !string.IsNullOrEmpty(colorTerm);

    /// <summary>The notice instead of the fields, wrapped over the rows there are (cut to one row, a 19x3 terminal
    /// showed "terminal too small" and never its size or what it needs).</summary>
    private string[] TooSmall(int width, int height)
    {
        var rows = new string[Math.Max(1, height)];
        _wrapped.Clear();
        TextLayout.Wrap([new StyledText($"terminal too small ({width}x{height}): need {MinWidth}x{MinHeight}", "")], width, _wrapped, styled: false);
        for (int i = 0; i < rows.Length; i++)
            rows[i] = i < _wrapped.Count ? _wrapped[i] : "";
        return rows;
    }
}
