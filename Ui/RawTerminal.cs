// Owns the terminal's input modes while the UI runs: raw termios on stdin, bracketed paste and (opt-in) mouse-wheel
// reports, so KeyReader sees every byte; and the way back to what the user had, on Dispose, on process exit, around a
// suspend (Suspend, SIGCONT) and from a signal handler (Restore), each as often as wanted.
//
// Raw mode is cfmakeraw() minus two things: ISIG stays off, so Ctrl-C, Ctrl-Z and Ctrl-\ arrive as bytes (0x03,
// 0x1A, 0x1C) and the session decides; OPOST stays as it was, so "\n" written by Console.Out still moves to column 0.
// Escape sequences written (on Console.Out unless told otherwise):
//   ESC [ ? 2004 h / l            bracketed paste on / off (pastes arrive as ESC [ 200 ~ ... ESC [ 201 ~)
//   ESC [ ? 1000 h  ESC [ ? 1006 h   report mouse buttons in SGR form (the wheel is buttons 64/65; KeyDecoder drops clicks);
//   ESC [ ? 1006 l  ESC [ ? 1000 l   off again. Only with mouseWheel: true, because while a terminal reports the
//                                 mouse it no longer selects text with it (most need Shift-drag then), which costs
//                                 users copy and paste of the chat; the caller makes that trade.
// The session must not use Console.ReadKey, Console.KeyAvailable or Console.In/OpenStandardInput while this is
// active: they set termios their own way and read stdin themselves (OpenStandardInput on a terminal is .NET's line
// editor: nothing until Enter, with echo). Console.Out and Console.WindowWidth/Height are fine (writes, and an ioctl
// on stdout). Console.TreatControlCAsInput is not needed (ISIG is off) and harmless: it sets .NET's own near-raw
// termios (-icanon -echo -isig -iexten -ixon -icrnl on .NET 10), which differs from ours only in flags that are off
// on an ordinary terminal anyway (ISTRIP, INLCR, IGNCR, BRKINT, INPCK, parity).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace P2PChat.Ui;

[SupportedOSPlatform("linux")]
internal sealed class RawTerminal : IDisposable
{
    private const int Stdin = 0;
    private const string PasteOn = "\u001b[?2004h";
    private const string PasteOff = "\u001b[?2004l";
    private const string MouseOn = "\u001b[?1000h\u001b[?1006h";
    private const string MouseOff = "\u001b[?1006l\u001b[?1000l";

    // stdin's termios as the process found them, read by a module initializer before Main, and so before .NET's
    // Console can change them: Console.TreatControlCAsInput and Console.ReadKey leave stdin in a near-raw mode of
    // their own (-icanon -echo -isig -iexten -ixon -icrnl on .NET 10) until the process ends. Put back by Restore,
    // which a suspended job needs: a shell without line editing (dash) reads its next command in whatever mode we
    // leave. Unset when stdin was not a terminal at startup.
    private static LibC.Termios s_atStartup;
    private static bool s_haveAtStartup;

    private readonly TextWriter _out;
    private readonly Lock _lock = new();
    private readonly LibC.Termios _original; // what Restore puts back: s_atStartup, else stdin's termios at construction
    private readonly PosixSignalRegistration _onContinue;
    private readonly PosixSignalRegistration _onStop;
    private readonly ManualResetEventSlim _continued = new(initialState: true); // reset while Suspend waits for SIGCONT
    private bool _raw;      // our modes are in force (termios and the escape modes), under _lock
    private bool _disposed; // under _lock; once set, nothing turns raw mode on again

    /// <summary>Turns raw mode and bracketed paste on (and mouse-wheel reports with <paramref name="mouseWheel"/>).</summary>
    /// <exception cref="InvalidOperationException">stdin is not a terminal.</exception>
    public RawTerminal(bool mouseWheel = false, TextWriter? output = null)
    {
        MouseWheel = mouseWheel;
        _out = output ?? Console.Out;
        if (LibC.tcgetattr(Stdin, ref _original) != 0)
            throw new InvalidOperationException($"stdin is not a terminal (tcgetattr: errno {Marshal.GetLastPInvokeError()})");
        if (s_haveAtStartup)
            _original = s_atStartup;

        // .NET's own SIGCONT handling (after our handlers, unless one cancels it) puts back the termios .NET last set,
        // which would undo raw mode after every fg: cancel it and do our own.
        _onContinue = PosixSignalRegistration.Create(PosixSignal.SIGCONT, context =>
        {
            context.Cancel = true;
            Resume();
            _continued.Set();
        });
        // SIGTSTP can only come from kill(1) here (Ctrl-Z is a byte without ISIG): once registered, .NET ignores it,
        // so do what it should do, with the terminal given back first, as vim does.
        _onStop = PosixSignalRegistration.Create(PosixSignal.SIGTSTP, _ => Suspend());
        AppDomain.CurrentDomain.ProcessExit += OnProcessEnd;
        AppDomain.CurrentDomain.UnhandledException += OnProcessEnd;
        Resume();
    }

    public bool MouseWheel { get; }

    /// <summary>Whether raw mode is on now (false after Restore until Resume).</summary>
    public bool IsRaw
    {
        get
        {
            lock (_lock)
                return _raw;
        }
    }

    /// <summary>
    /// Puts back the termios we started with and turns the escape modes off; safe from any thread, and a no-op when
    /// already restored. For a SIGTERM/SIGHUP handler that exits, or before handing the terminal to someone else.
    /// </summary>
    public void Restore()
    {
        lock (_lock)
        {
            if (!_raw)
                return;
            _raw = false;
            Write(MouseWheel ? MouseOff + PasteOff : PasteOff);
            // From the background tcsetattr would stop us (SIGTTOU) on the way out; the shell puts its own termios
            // back when it takes the terminal anyway. A failure has no better answer either: we are leaving.
            if (InForeground())
            {
                LibC.Termios original = _original;
                LibC.tcsetattr(Stdin, LibC.TCSANOW, ref original);
            }
        }
    }

    /// <summary>
    /// Turns raw mode and the escape modes on again after <see cref="Restore"/> (done by itself on SIGCONT); a no-op
    /// when on, after Dispose, or while the process is in the background (it will get another SIGCONT on fg).
    /// </summary>
    public void Resume()
    {
        lock (_lock)
        {
            if (_raw || _disposed || !InForeground())
                return;
            LibC.Termios raw = MakeRaw(_original);
            if (LibC.tcsetattr(Stdin, LibC.TCSANOW, ref raw) != 0)
                return;
            _raw = true;
            Write(MouseWheel ? PasteOn + MouseOn : PasteOn);
        }
    }

    /// <summary>
    /// What Ctrl-Z does in a cooked terminal (ISIG is off here, so Ctrl-Z is only a byte): give the terminal back and
    /// stop the process; returns once the shell continues it, with raw mode on again if that was fg (after bg it
    /// comes back on the fg that follows). The screen needs a full redraw then.
    /// </summary>
    public void Suspend()
    {
        lock (_lock)
        {
            if (_disposed)
                return; // nobody would turn raw mode back on, nor wake us
        }
        _continued.Reset();
        Restore();
        // SIGSTOP, not SIGTSTP: it cannot be caught, so no handler can keep it from stopping us. It stops every
        // thread, but kill() may return before this one is stopped: the SIGCONT handler turns raw mode back on.
        if (LibC.kill(LibC.getpid(), LibC.SIGSTOP) == 0)
            _continued.Wait();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
                return;
            _disposed = true; // from here on Resume does nothing, so what Restore undoes stays undone
        }
        Restore();
        _continued.Set(); // a Suspend still waiting (a SIGCONT lost to the race with Dispose) returns
        _onContinue.Dispose();
        _onStop.Dispose();
        AppDomain.CurrentDomain.ProcessExit -= OnProcessEnd;
        AppDomain.CurrentDomain.UnhandledException -= OnProcessEnd;
    }

    [ModuleInitializer]
    internal static void CaptureAtStartup()
    {
        if (OperatingSystem.IsLinux())
            s_haveAtStartup = LibC.tcgetattr(Stdin, ref s_atStartup) == 0;
    }

    /// <summary>cfmakeraw() but keeping OPOST (output processing) as it was; ISIG is off too, as there.</summary>
    internal static LibC.Termios MakeRaw(LibC.Termios termios)
    {
        termios.IFlag &= ~(LibC.IGNBRK | LibC.BRKINT | LibC.PARMRK | LibC.ISTRIP | LibC.INLCR | LibC.IGNCR | LibC.ICRNL
            | LibC.IXON | LibC.IXOFF | LibC.INPCK);
        termios.LFlag &= ~(LibC.ECHO | LibC.ECHONL | LibC.ICANON | LibC.ISIG | LibC.IEXTEN);
        termios.CFlag = (termios.CFlag & ~(LibC.CSIZE | LibC.PARENB)) | LibC.CS8;
        termios.Cc[LibC.VMIN] = 1;
        termios.Cc[LibC.VTIME] = 0;
        return termios;
    }

    /// <summary>tcsetattr from a background process stops it (SIGTTOU); a job continued with bg waits for fg.</summary>
    private static bool InForeground()
    {
        int foreground = LibC.tcgetpgrp(Stdin);
        return foreground < 0 || foreground == LibC.getpgrp(); // -1: no terminal (any more) to be behind of
    }

    private void OnProcessEnd(object? sender, EventArgs e) => Restore();

    /// <summary>Writes escape modes; a terminal that is gone (EIO after a hangup) is no reason to throw on the way out.</summary>
    private void Write(string modes)
    {
        try
        {
            _out.Write(modes);
            _out.Flush();
        }
        catch (IOException)
        {
        }
    }
}
