// Keys on Linux: stdin in raw mode (RawTerminal: bracketed paste, Alt keys, the mouse wheel with P2PCHAT_MOUSE=1,
// whose reports take the terminal's own text selection away, so they are opt-in), decoded by KeyReader's thread.
using System.Runtime.Versioning;

namespace P2PChat.Ui;

[SupportedOSPlatform("linux")]
internal sealed class RawKeySource(bool mouseWheel) : IKeySource
{
    private readonly RawTerminal _raw = new(mouseWheel);
    private KeyReader? _reader;

    public void Start(Action<InputEvent> onKey, Action onEnd)
    {
        _reader = new KeyReader(onKey, onEnd);
        _reader.Start();
    }

    public bool Suspend()
    {
        _raw.Suspend();
        return true;
    }

    public void Dispose()
    {
        _reader?.Dispose();
        _raw.Dispose();
    }
}
