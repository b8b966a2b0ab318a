// The key reader thread over a pipe standing in for the terminal: events in order, the ESC timeout, the end of input,
// and Dispose. Plus the termios layout and raw-mode flags RawTerminal relies on (the tty itself is checked in tmux).
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using P2PChat.Ui;

namespace P2PChat.Tests.Ui;

[SupportedOSPlatform("linux")]
public class KeyReaderTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    /// <summary>A pipe and a reader on its read end, recording events and how often input ended.</summary>
    private sealed class Harness : IDisposable
    {
        private LibC.FdPair _pipe;

        public Harness(int escapeTimeoutMs = KeyReader.DefaultEscapeTimeoutMs)
        {
            if (LibC.pipe2(ref _pipe, LibC.O_CLOEXEC) != 0)
                throw new IOException($"pipe2: errno {Marshal.GetLastPInvokeError()}");
            Reader = new KeyReader(Events.Enqueue, () => Interlocked.Increment(ref Ends), _pipe.Read, escapeTimeoutMs);
            Reader.Start();
        }

        public KeyReader Reader { get; }
        public ConcurrentQueue<InputEvent> Events { get; } = new();
        public int Ends;

        public void Write(ReadOnlySpan<byte> bytes)
        {
            if (LibC.write(_pipe.Write, ref MemoryMarshal.GetReference(bytes), (nuint)bytes.Length) != bytes.Length)
                throw new IOException($"short write to the pipe: errno {Marshal.GetLastPInvokeError()}");
        }

        public void CloseWriteEnd()
        {
            LibC.close(_pipe.Write);
            _pipe.Write = -1;
        }

        public string Seen => string.Join(" | ", Events.Select(e => $"{e.Kind}{(e.Kind == InputKind.Char ? $":{e.Rune}" : "")}{(e.Alt ? "+Alt" : "")}"));

        public void Dispose()
        {
            Reader.Dispose();
            LibC.close(_pipe.Read);
            if (_pipe.Write >= 0)
                LibC.close(_pipe.Write);
        }
    }

    [Test]
    public async Task Bytes_arrive_as_events_in_order_across_writes()
    {
        // A long ESC pause, so that a slow machine between the writes cannot turn "ESC [" into Alt-[.
        using var harness = new Harness(escapeTimeoutMs: 60_000);
        harness.Write("hi\u001b["u8);
        harness.Write("Aé"u8[..2]);
        harness.Write("é"u8[1..]);
        harness.Write("\r"u8);
        await Eventually.WaitUntil(() => harness.Events.Count >= 5, Deadline, "five events", () => harness.Seen);
        await Assert.That(harness.Seen).IsEqualTo("Char:h | Char:i | Up | Char:é | Enter");
    }

    [Test]
    public async Task A_lone_ESC_becomes_Escape_after_the_pause()
    {
        using var harness = new Harness(escapeTimeoutMs: 30);
        harness.Write("\u001b"u8);
        await Eventually.WaitUntil(() => harness.Events.Count >= 1, Deadline, "Escape after the pause", () => harness.Seen);
        harness.Write("b"u8);
        await Eventually.WaitUntil(() => harness.Events.Count >= 2, Deadline, "the next key", () => harness.Seen);
        await Assert.That(harness.Seen).IsEqualTo("Escape | Char:b");
    }

    [Test]
    public async Task ESC_and_a_key_written_together_are_Alt_of_that_key()
    {
        using var harness = new Harness(escapeTimeoutMs: 30);
        harness.Write("\u001bb"u8);
        await Eventually.WaitUntil(() => harness.Events.Count >= 1, Deadline, "one event", () => harness.Seen);
        // Quiet for longer than the ESC pause: nothing else may follow.
        await Eventually.WaitUntilStable(() => harness.Seen, TimeSpan.FromMilliseconds(100), Deadline, "the events");
        await Assert.That(harness.Seen).IsEqualTo("Char:b+Alt");
    }

    [Test]
    public async Task The_end_of_input_is_reported_once_after_the_last_key()
    {
        using var harness = new Harness();
        harness.Write("x"u8);
        harness.CloseWriteEnd();
        await Eventually.WaitUntil(() => Volatile.Read(ref harness.Ends) == 1, Deadline, "the end of input", () => harness.Seen);
        await Eventually.WaitUntilStable(() => $"{harness.Seen} / {Volatile.Read(ref harness.Ends)}", TimeSpan.FromMilliseconds(50), Deadline, "the events");
        await Assert.That(harness.Seen).IsEqualTo("Char:x");
        await Assert.That(Volatile.Read(ref harness.Ends)).IsEqualTo(1);
    }

    [Test]
    public async Task Dispose_stops_a_reader_waiting_for_input_without_reporting_an_end()
    {
        var harness = new Harness();
        harness.Write("a"u8);
        await Eventually.WaitUntil(() => harness.Events.Count == 1, Deadline, "one key", () => harness.Seen);
        Task dispose = Task.Run(harness.Reader.Dispose);
        await Assert.That(await Task.WhenAny(dispose, Task.Delay(Deadline))).IsSameReferenceAs(dispose);
        harness.Dispose(); // a second Dispose of the reader is a no-op
        await Assert.That(Volatile.Read(ref harness.Ends)).IsEqualTo(0);
    }

    [Test]
    public async Task Termios_has_glibc_layout()
    {
        await Assert.That(Marshal.SizeOf<LibC.Termios>()).IsEqualTo(60);
        await Assert.That((int)Marshal.OffsetOf<LibC.Termios>(nameof(LibC.Termios.Cc))).IsEqualTo(17);
        await Assert.That((int)Marshal.OffsetOf<LibC.Termios>(nameof(LibC.Termios.ISpeed))).IsEqualTo(52);
    }

    [Test]
    public async Task Raw_mode_turns_off_echo_lines_and_signals_but_keeps_output_processing()
    {
        var cooked = new LibC.Termios
        {
            IFlag = LibC.ICRNL | LibC.IXON | LibC.BRKINT | 0x4000 /* IUTF8 */,
            OFlag = 0x1 | 0x4, // OPOST | ONLCR
            CFlag = 0xBF, // CS8 | CREAD | B38400 as stty shows it
            LFlag = LibC.ISIG | LibC.ICANON | LibC.ECHO | LibC.IEXTEN | 0x10 /* ECHOE */,
        };
        cooked.Cc[LibC.VMIN] = 0;
        cooked.Cc[LibC.VTIME] = 3;

        LibC.Termios raw = RawTerminal.MakeRaw(cooked);

        await Assert.That(raw.IFlag).IsEqualTo(0x4000u);
        await Assert.That(raw.OFlag).IsEqualTo(cooked.OFlag);
        await Assert.That(raw.CFlag & LibC.CSIZE).IsEqualTo(LibC.CS8);
        await Assert.That(raw.LFlag).IsEqualTo(0x10u);
        await Assert.That(raw.Cc[LibC.VMIN]).IsEqualTo((byte)1);
        await Assert.That(raw.Cc[LibC.VTIME]).IsEqualTo((byte)0);
    }
}
