// Pipe mode's stdin, read as bytes: each piece is a line (without "\n" or "\r\n"), or, of a line longer than a
// message may be, the next at most MaxTextBytes cut between characters. The piece is a view of the read buffer,
// valid until the next call, so a burst of lines goes from stdin to the send queues without a string per line.
using System.Runtime.CompilerServices;
using P2PChat.Net;

namespace P2PChat.Ui;

/// <param name="read">Reads into a buffer, as Stream.ReadAsync does (pipe mode: ReadThread's, on a thread of its own,
/// which also ends a pending read at once when the token is cancelled).</param>
/// <param name="beforeRead">Called before each read, when every line already buffered has been handed out: pipe mode
/// sends the batch it said then.</param>
internal sealed class LineReader(Func<Memory<byte>, CancellationToken, ValueTask<int>> read, int maxPieceBytes = Protocol.MaxTextBytes,
    Action? beforeRead = null)
{
    private readonly byte[] _buffer = new byte[Math.Max(64 * 1024, 2 * maxPieceBytes)];
    private int _start;
    private int _end;
    private bool _eof;
    private int _pieceStart;
    private int _pieceLength;

    /// <summary>The piece NextAsync found.</summary>
    public ReadOnlySpan<byte> Piece => _buffer.AsSpan(_pieceStart, _pieceLength);

    /// <summary>Finds the next non-empty piece; false at the end of input. Its state machine is pooled: one that
    /// waits for a read (a line typed, each on its own) takes a box from the pool instead of allocating one.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> NextAsync(CancellationToken cancel)
    {
        while (true)
        {
            int newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            int lineLength = newline >= 0 ? newline : _end - _start;
            if (lineLength > maxPieceBytes)
            {
                Emit(CutAtCharacter(_start, maxPieceBytes), consumedNewline: false);
                return true;
            }
            if (newline >= 0)
            {
                int length = lineLength > 0 && _buffer[_start + lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
                Emit(length, consumedNewline: true, skipped: lineLength - length);
                if (length > 0)
                    return true;
                continue;
            }
            if (_eof)
            {
                if (lineLength == 0)
                    return false;
                Emit(lineLength, consumedNewline: false);
                return true;
            }
            // No whole line buffered: move the partial one to the front and read more.
            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }
            beforeRead?.Invoke();
            int count = await read(_buffer.AsMemory(_end), cancel).ConfigureAwait(false);
            if (count == 0)
                _eof = true;
            _end += count;
        }
    }

    private void Emit(int length, bool consumedNewline, int skipped = 0)
    {
        _pieceStart = _start;
        _pieceLength = length;
        _start += length + skipped + (consumedNewline ? 1 : 0);
    }

    /// <summary>The longest prefix of at most <paramref name="max"/> bytes from <paramref name="at"/> that does not end
    /// inside a UTF-8 sequence.</summary>
    private int CutAtCharacter(int at, int max)
    {
        int cut = max;
        while (cut > 0 && (_buffer[at + cut] & 0xC0) == 0x80)
            cut--;
        return cut > 0 ? cut : max; // not UTF-8 at all: cut anywhere
    }
}
