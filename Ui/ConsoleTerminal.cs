// The real terminal: the alternate screen while p2pchat runs, and the user's screen back on every way out
// (normal exit, Ctrl-C, SIGTERM, an unhandled exception). .NET itself restores the termios settings it
// changed for ReadKey when the process ends. Reports resizes (SIGWINCH) and what the environment says of colour.
using System.Runtime.InteropServices;

namespace P2PChat.Ui;

internal sealed class ConsoleTerminal : ISessionTerminal, IDisposable
{
    private const string EnterAlternateScreen = "\x1b[?1049h\x1b[H\x1b[2J";
    private const string LeaveAlternateScreen = "\x1b[?25h\x1b[?1049l";

    private readonly TextWriter _out = Console.Out;
    private readonly Lock _lock = new();
    private readonly PosixSignalRegistration? _onResize;
    private bool _active;

    public ConsoleTerminal()
    {
        Console.TreatControlCAsInput = true;
        AppDomain.CurrentDomain.UnhandledException += (_, _) => Dispose();
        if (OperatingSystem.IsLinux())
            _onResize = PosixSignalRegistration.Create(PosixSignal.SIGWINCH, _ => Resized?.Invoke());
        _active = true;
        Write(EnterAlternateScreen);
    }

    public event Action? Resized;

    public bool Colors { get; } = Environment.GetEnvironmentVariable("NO_COLOR") is null or "";

    public bool Colors256 { get; } =
        ScreenRenderer.Has256Colors(Environment.GetEnvironmentVariable("TERM"), Environment.GetEnvironmentVariable("COLORTERM"));

    public (int Width, int Height) Size
    {
        get
        {
            // A pty with no size set reports 0x0: fall back to the classic 80x24.
            int width = Console.WindowWidth;
            int height = Console.WindowHeight;
            return (width > 0 ? width : 80, height > 0 ? height : 24);
        }
    }

    public void Write(string frame)
    {
        lock (_lock)
        {
            try
            {
                _out.Write(frame);
                _out.Flush();
            }
            catch (IOException)
            {
                // The terminal is gone; the key reader reports the end of input and the session leaves.
            }
        }
    }

    public void Leave() => Switch(active: false, LeaveAlternateScreen);

    public void Enter() => Switch(active: true, EnterAlternateScreen);

    private void Switch(bool active, string sequence)
    {
        lock (_lock)
        {
            if (_active == active)
                return;
            _active = active;
        }
        Write(sequence);
    }

    public void Dispose()
    {
        _onResize?.Dispose();
        lock (_lock)
        {
            if (!_active)
                return;
            _active = false;
            try
            {
                _out.Write(LeaveAlternateScreen);
                _out.Flush();
            }
            catch (IOException)
            {
                // The terminal is gone (EIO after a hang-up): nothing to restore, and we still leave the chat cleanly.
            }
        }
    }
}
