// Turns a pipe's raw bytes into lines for a sink, with no allocation per read: the reader reads into FreeSpace,
// then Commit splits what arrived at '\n' and keeps an unfinished line for the next read.
namespace P2PChat.Bench;

internal sealed class LineSplitter(ILineSink sink)
{
    private byte[] _buffer = new byte[64 * 1024]; // one Linux pipe's worth: a full pipe drains in one read
    private int _kept; // bytes of an unfinished line at the start of _buffer; they hold no '\n'

    /// <summary>Where the next read goes (grows the buffer when one line fills it all: rare).</summary>
    public Memory<byte> FreeSpace
    {
        get
        {
            if (_kept == _buffer.Length)
                Array.Resize(ref _buffer, _buffer.Length * 2);
            return _buffer.AsMemory(_kept);
        }
    }

    /// <summary>`read` bytes arrived in FreeSpace; every line they complete goes to the sink with `timestamp`.</summary>
    public void Commit(int read, long timestamp)
    {
        Span<byte> data = _buffer.AsSpan(0, _kept + read);
        int start = 0, from = _kept, newline;
        while ((newline = data[from..].IndexOf((byte)'\n')) >= 0)
        {
            int end = from + newline;
            sink.OnLine(data[start..end], timestamp);
            start = from = end + 1;
        }
        _kept = data.Length - start;
        data[start..].CopyTo(_buffer); // overlapping copy is safe: Span.CopyTo has memmove semantics
    }
}
