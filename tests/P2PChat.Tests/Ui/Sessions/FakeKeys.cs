// Keys for whole-session tests (IKeySource): the test types, presses and pastes; End() is the terminal going away.
using System.Text;
using P2PChat.Ui;

namespace P2PChat.Tests.Ui.Sessions;

internal sealed class FakeKeys : IKeySource
{
    private Action<InputEvent>? _onKey;
    private Action? _onEnd;

    public int Suspends { get; private set; }

    public bool Disposed { get; private set; }

    public void Start(Action<InputEvent> onKey, Action onEnd) => (_onKey, _onEnd) = (onKey, onEnd);

    public bool Suspend()
    {
        Suspends++;
        return true;
    }

    public void Dispose() => Disposed = true;

    public void Type(string text)
    {
        foreach (Rune rune in text.EnumerateRunes())
            Key(new InputEvent(InputKind.Char, rune));
    }

    /// <summary>Types <paramref name="line"/> and presses Enter.</summary>
    public void Enter(string line)
    {
        Type(line);
        Press(InputKind.Enter);
    }

    public void Press(InputKind kind) => Key(new InputEvent(kind));

    public void Ctrl(char letter) => Key(new InputEvent(InputKind.Char, new Rune(letter), Ctrl: true));

    public void Paste(string text) => Key(new InputEvent(InputKind.Paste, Text: text));

    public void Key(InputEvent key) => (_onKey ?? throw new InvalidOperationException("the session has not started its keys"))(key);

    public void End() => _onEnd?.Invoke();

    public bool Started => _onKey is not null;
}
