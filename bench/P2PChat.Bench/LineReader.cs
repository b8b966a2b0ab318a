// Reads one child's stdout as raw bytes on a thread of its own (LineSplitter makes the lines): no StreamReader,
// no string per line, no allocation per read, so the harness is never the bottleneck (see ReaderCheck).
//
// With `napMicros` > 0 it naps that long after a read that found the pipe nearly empty, so the next read takes a
// batch of lines instead of one: a program that writes (and flushes) line by line then costs the harness one
// read(2) per batch, not one read and one wake-up per line, which on two cores would take CPU from the programs
// being measured. Lines are then timestamped up to napMicros late, so it is only for peers whose exact times are
// not measured, or for figures taken over ~0.5 s. A nap must not fill the pipe (64 KiB hold ~5,000 lines).
using System.Diagnostics;

namespace P2PChat.Bench;

internal sealed class LineReader(Stream stream, ILineSink sink, uint napMicros)
{
    private const int NapBelowBytes = 4096; // a read this small means the reader is keeping up: nap

    public void Start(string name) => new Thread(Run) { IsBackground = true, Name = $"stdout of {name}" }.Start();

    private void Run()
    {
        var splitter = new LineSplitter(sink);
        try
        {
            while (true)
            {
                int read = stream.Read(splitter.FreeSpace.Span);
                if (read <= 0)
                    break;
                // One timestamp per read: every line in it was complete in the pipe by the time read(2) returned.
                splitter.Commit(read, Stopwatch.GetTimestamp());
                if (napMicros > 0 && read < NapBelowBytes)
                    Pacer.SleepMicros(napMicros);
            }
        }
        catch (IOException)
        {
            // The child died or was killed: same as the end of the stream.
        }
        catch (ObjectDisposedException)
        {
        }
        sink.OnEnd();
    }
}
