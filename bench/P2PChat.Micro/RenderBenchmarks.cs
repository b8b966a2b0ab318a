// The terminal UI's frame: composing and writing a full 120x40 screen from a full 5,000-line message field (the
// worst case: every row changed, as after a resize or during a burst that scrolls everything), and the usual case,
// one new message at the bottom. The terminal is a null sink, so this is the UI's own cost per frame.
using BenchmarkDotNet.Attributes;
using P2PChat.Ui;

namespace P2PChat.Micro;

[MemoryDiagnoser]
public class RenderBenchmarks
{
    private sealed class NullTerminal : ITerminal
    {
        public (int Width, int Height) Size => (120, 40);

        public void Write(string frame)
        {
        }
    }

    private readonly ChatScreen _screen = new() { Status = " alice | listening on 127.0.0.1 port 5000 | 12 online, 3 peers connected | :help" };
    private ScreenRenderer _renderer = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _renderer = new ScreenRenderer(new NullTerminal());
        for (int i = 0; i < ChatScreen.MaxLines; i++)
            _screen.Add(new DisplayLine(LineKind.Message, $"message number {i}, long enough to wrap once on a narrower terminal than this one", $"user{i % 12}", "12:34"));
    }

    [Benchmark]
    public void Full_redraw()
    {
        _renderer.Invalidate();
        _renderer.Render(_screen);
    }

    [Benchmark]
    public void One_new_message()
    {
        _screen.Add(new DisplayLine(LineKind.Message, $"new message {_next++}", "bob", "12:35"));
        _renderer.Render(_screen);
    }
}
