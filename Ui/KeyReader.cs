// Reads the terminal's bytes on a thread of its own, decodes them (KeyDecoder) and hands each InputEvent to a
// callback; a lone ESC becomes Escape after a short pause, as in vim and kilo. Owns the thread and a wake-up pipe
// that Dispose writes to (a thread blocked in read() cannot be woken otherwise, so it waits in poll() on both); it
// reads the fd it is given (stdin, in raw mode: see RawTerminal) and never closes that.
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace P2PChat.Ui;

[SupportedOSPlatform("linux")]
internal sealed class KeyReader : IDisposable
{
    /// <summary>How long a lone ESC waits for the rest of a sequence: long enough for a sequence split by a slow link
    /// (ssh), short enough that Escape feels immediate (vim's ttimeoutlen is often 10-50 ms).</summary>
    public const int DefaultEscapeTimeoutMs = 40;

    private readonly Action _onEnd;
    private readonly int _fd;
    private readonly int _escapeTimeoutMs;
    private readonly KeyDecoder _decoder;
    private readonly LibC.FdPair _wake; // a pipe: Dispose writes a byte, the thread wakes from poll and stops
    private readonly Thread _thread;
    private int _started;  // 0, then 1 once Start ran or Dispose claimed it (so a late Start cannot run)
    private int _disposed; // 0, then 1 once Dispose ran
    private bool _closeOnExit; // Dispose ran on the reader thread itself, which closes the pipe as it ends

    /// <param name="onInput">Called on the reader thread for every event, in order. It must not throw (an exception
    /// on that thread ends the process) and should be quick: post the event to the UI loop.</param>
    /// <param name="onEnd">Called once on the reader thread when input ends by itself (EOF: the terminal went away,
    /// or a read error), never after Dispose; the session treats it as quit.</param>
    public KeyReader(Action<InputEvent> onInput, Action onEnd, int fd = 0, int escapeTimeoutMs = DefaultEscapeTimeoutMs)
    {
        _onEnd = onEnd;
        _fd = fd;
        _escapeTimeoutMs = escapeTimeoutMs;
        _decoder = new KeyDecoder(onInput);
        if (LibC.pipe2(ref _wake, LibC.O_CLOEXEC) != 0)
            throw new IOException($"pipe2 failed: errno {Marshal.GetLastPInvokeError()}");
        _thread = new Thread(Run) { IsBackground = true, Name = "keys" };
    }

    public void Start()
    {
        if (Volatile.Read(ref _disposed) != 0)
            throw new ObjectDisposedException(nameof(KeyReader));
        if (Interlocked.Exchange(ref _started, 1) == 0)
            _thread.Start();
    }

    /// <summary>Stops the thread and closes the pipe; from a callback on the reader thread, the thread closes it as
    /// it leaves.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            ClosePipe(); // the thread never ran, and now never will
            return;
        }
        byte one = 1;
        LibC.write(_wake.Write, ref one, 1);
        if (Thread.CurrentThread == _thread)
        {
            _closeOnExit = true;
            return;
        }
        _thread.Join();
        ClosePipe();
    }

    private void Run()
    {
        try
        {
            if (ReadUntilEnd() && Volatile.Read(ref _disposed) == 0)
                _onEnd();
        }
        finally
        {
            if (_closeOnExit)
                ClosePipe();
        }
    }

    /// <summary>Reads and decodes until Dispose (false) or the end of input (true).</summary>
    private bool ReadUntilEnd()
    {
        Span<byte> buffer = stackalloc byte[4096];
        var fds = new LibC.PollFdPair
        {
            First = new LibC.PollFd { Fd = _fd, Events = LibC.POLLIN },
            Second = new LibC.PollFd { Fd = _wake.Read, Events = LibC.POLLIN },
        };
        while (true)
        {
            int timeout = _decoder.HasPendingEscape ? _escapeTimeoutMs : -1;
            int ready = LibC.poll(ref fds, 2, timeout);
            if (Volatile.Read(ref _disposed) != 0 || fds.Second.REvents != 0)
                return false;
            if (ready < 0)
            {
                if (Marshal.GetLastPInvokeError() == LibC.EINTR)
                    continue;
                return true;
            }
            if (ready == 0)
            {
                _decoder.Flush(); // nothing followed the ESC in time: it was the Escape key
                continue;
            }
            if ((fds.First.REvents & LibC.POLLIN) == 0)
                return true; // POLLHUP, POLLERR or POLLNVAL without data: the terminal is gone
            nint count = LibC.read(_fd, ref MemoryMarshal.GetReference(buffer), (nuint)buffer.Length);
            if (count > 0)
                _decoder.Feed(buffer[..(int)count]);
            else if (count == 0)
                return true; // EOF
            else if (Marshal.GetLastPInvokeError() is not (LibC.EINTR or LibC.EAGAIN))
                return true; // EIO after a hangup, or worse
        }
    }

    private void ClosePipe()
    {
        LibC.close(_wake.Read);
        LibC.close(_wake.Write);
    }
}
