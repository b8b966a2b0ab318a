// Whether a write of up to a page to stdout would not block now: asked before a socket thread writes the messages a
// read brought itself instead of waking the event thread (EventPump.TryDeliverInline). poll(2) answers it, but one
// poll per line was one of the five system calls a reader made for each line it showed. Linux says POLLOUT on a pipe
// while it has a free slot (a page), and a small write goes into the last page when it fits there, else into a free
// slot; so after a poll said writable, writes adding up to a page take at most that one slot and cannot block, and the
// reader only ever frees more. A pipe is therefore polled once per page written, not once per write. A file (or any
// seekable output) never blocks and is not polled. Anything else (a terminal, a socket, a pipe in packet mode, where
// every write takes a slot of its own) is polled before every write, as before.
namespace P2PChat.Ui;

internal sealed class StdoutRoom
{
    /// <summary>A page: what a pipe's free slot holds (PIPE_BUF).</summary>
    public const int PageBytes = 4096;

    private enum Kind
    {
        Seekable,
        Pipe,
        Other,
    }

    private readonly int _fd;
    private readonly Kind _kind;

    // Bytes written since a poll said writable; past PageBytes the next question polls again. Read and written only by
    // the one thread that is about to write (EventPump's delivery claim), and by Wrote under the writer's lock.
    private long _sinceWritable = long.MaxValue / 2;

    public StdoutRoom(int fd)
    {
        _fd = fd;
        if (LibC.lseek(fd, 0, LibC.SEEK_CUR) >= 0)
            _kind = Kind.Seekable;
        else if (LibC.fcntl(fd, LibC.F_GETPIPE_SZ, 0) > 0 && LibC.fcntl(fd, LibC.F_GETFL, 0) is int flags and >= 0
                 && (flags & LibC.O_DIRECT) == 0)
            _kind = Kind.Pipe;
        else
            _kind = Kind.Other;
    }

    /// <summary>poll(2) calls made so far (for the tests).</summary>
    public int Polls { get; private set; }

    /// <summary>True when a write of up to <paramref name="bytes"/> (at most a page) would not block now. Called by the
    /// thread about to make that write, with no other write to this output possible in between.</summary>
    public bool HasRoomFor(int bytes)
    {
        switch (_kind)
        {
            case Kind.Seekable:
                return true;
            case Kind.Pipe:
                if (_sinceWritable + bytes <= PageBytes)
                    return true;
                if (!Poll())
                    return false;
                _sinceWritable = 0;
                return bytes <= PageBytes;
            default:
                return bytes <= PageBytes && Poll();
        }
    }

    /// <summary>Counts a write made to the output (by whichever thread), so that a pipe is polled again once a page of
    /// them may have taken its free slot.</summary>
    public void Wrote(int bytes) => Interlocked.Add(ref _sinceWritable, bytes);

    private bool Poll()
    {
        Polls++;
        return LibC.CanWriteNow(_fd);
    }
}
