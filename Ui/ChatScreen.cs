// What the two-field screen shows, as plain state: the message field's lines (a bounded ring, each with a
// consecutive id), where the view is scrolled to, the input line with its history, and the status bar. The UI loop
// mutates it; ScreenRenderer draws it. No console here.
//
// Scrolling is anchored to a row of a line, not to a row count: while the user reads back, the bottom of the view
// stays on the same line however many new ones arrive (they are counted for the "new below" marker), and a resize
// re-wraps around the same place. It moves row by row, so a line taller than the view can be read whole (the live
// view folds such a line, ScreenRenderer).
namespace P2PChat.Ui;

internal sealed class ChatScreen
{
    /// <summary>Lines kept for the message field; older ones are dropped.</summary>
    public const int MaxLines = 5000;

    private readonly DisplayLine[] _ring = new DisplayLine[MaxLines];
    private long _next;
    private long _cleared; // lines below this id were cleared away (:clear)

    public InputLine Input { get; } = new();

    public InputHistory History { get; } = new();

    public string Status { get; set; } = "";

    /// <summary>Id of the oldest line still kept.</summary>
    public long FirstId => Math.Max(_cleared, _next - MaxLines);

    /// <summary>Id the next line will get (so the newest is NextId - 1).</summary>
    public long NextId => _next;

    public int Count => (int)(_next - FirstId);

    /// <summary>Id of the line at the bottom of the view while scrolled back; null while following new lines.</summary>
    public long? Anchor { get; private set; }

    /// <summary>Rows of the anchor line below the view (0: its last row is at the bottom).</summary>
    public int AnchorSkip { get; private set; }

    /// <summary>Lines added since the view was scrolled back.</summary>
    public int Unseen { get; private set; }

    /// <summary>Set when a line that mentions us arrives while scrolled back: the renderer rings the bell once.</summary>
    public bool BellPending { get; set; }

    public DisplayLine this[long id] => _ring[id % MaxLines];

    public void Add(LineKind kind, string text) => Add(new DisplayLine(kind, text));

    /// <summary>Empties the message field (:clear): every line so far is forgotten, and the view follows new lines.</summary>
    public void Clear()
    {
        _cleared = _next;
        ScrollToBottom();
    }

    public void Add(DisplayLine line)
    {
        _ring[_next % MaxLines] = line;
        _next++;
        if (Anchor is null)
            return;
        Unseen++;
        if (Anchor < FirstId)
            (Anchor, AnchorSkip) = (FirstId, 0);
        if (line.Mention)
            BellPending = true;
    }

    /// <summary>Scrolls back by <paramref name="rows"/> rows; <paramref name="rowsOf"/> gives the rows a line takes at
    /// the current width, <paramref name="viewRows"/> the rows of the message field.</summary>
    public void ScrollUp(int rows, int viewRows, Func<DisplayLine, int> rowsOf)
    {
        if (_next == FirstId)
            return;
        // The bottom row may not go so high that the view would have empty rows above the oldest line (the marker row
        // below it takes one of the view's rows): the highest allowed is (lowest, lowestSkip).
        long lowest = FirstId;
        int filled = rowsOf(this[lowest]);
        while (lowest < _next - 1 && filled < viewRows - 1)
            filled += rowsOf(this[++lowest]);
        int lowestSkip = Math.Max(0, filled - (viewRows - 1));
        long bottom = Anchor ?? _next - 1;
        int skip = Anchor is null ? 0 : AnchorSkip;
        int height = rowsOf(this[bottom]);
        for (int moved = 0; moved < rows; moved++)
        {
            if (bottom < lowest || bottom == lowest && skip >= lowestSkip)
                break;
            if (skip + 1 < height)
            {
                skip++;
                continue;
            }
            if (bottom <= lowest)
                break;
            bottom--;
            skip = 0;
            height = rowsOf(this[bottom]);
        }
        if (bottom < lowest || bottom == lowest && skip > lowestSkip)
            (bottom, skip) = (lowest, lowestSkip);
        if (bottom >= _next - 1 && skip == 0)
            return; // everything fits: nothing to scroll
        if (Anchor is null)
            Unseen = 0;
        (Anchor, AnchorSkip) = (bottom, skip);
    }

    /// <summary>Scrolls forward by <paramref name="rows"/> rows; back to following new lines at the end.</summary>
    public void ScrollDown(int rows, Func<DisplayLine, int> rowsOf)
    {
        if (Anchor is not long bottom)
            return;
        int skip = AnchorSkip;
        for (int moved = 0; moved < rows && (bottom < _next - 1 || skip > 0); moved++)
        {
            if (skip > 0)
                skip--;
            else
                skip = rowsOf(this[++bottom]) - 1; // the next line's first row comes into view
        }
        if (bottom >= _next - 1 && skip == 0)
            ScrollToBottom();
        else
            (Anchor, AnchorSkip) = (bottom, skip);
    }

    public void ScrollToBottom()
    {
        Anchor = null;
        AnchorSkip = 0;
        Unseen = 0;
    }
}
