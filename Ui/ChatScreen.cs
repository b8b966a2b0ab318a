// What the two-field screen shows, as plain state: the message field's lines (bounded), the input line, and the
// status bar. The UI loop mutates it; ScreenRenderer draws it. No console here.
namespace P2PChat.Ui;

internal sealed class ChatScreen
{
    /// <summary>Lines kept for the message field; older ones are dropped.</summary>
    public const int MaxLines = 5000;

    private readonly Queue<DisplayLine> _lines = new();

    public InputLine Input { get; } = new();

    public string Status { get; set; } = "";

    /// <summary>Bumped on every change of the lines, so the renderer knows when to re-wrap.</summary>
    public long Version { get; private set; }

    public IReadOnlyCollection<DisplayLine> Lines => _lines;

    public void Add(LineKind kind, string text)
    {
        if (_lines.Count == MaxLines)
            _lines.Dequeue();
        _lines.Enqueue(new DisplayLine(kind, text));
        Version++;
    }
}
