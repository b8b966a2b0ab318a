// StdoutRoom's promise, on real pipes nobody reads: whenever it says a write fits, the write goes through whole (the
// write end is non-blocking here, so a write that would have blocked returns EAGAIN instead), and it polls a pipe
// once per page rather than once per write.
using P2PChat.Ui;

namespace P2PChat.Tests;

public class StdoutRoomTests
{
    /// <summary>Writes lines of 10-200 bytes into the pipe while the room says they fit; returns how many went in, how
    /// many bytes, and the first write that did not go through whole (null if none).</summary>
    private static (int Writes, long Bytes, string? Failure) FillWhileItSaysSo(int writeFd, StdoutRoom room, int seed)
    {
        var random = new Random(seed);
        var line = new byte[200];
        int writes = 0;
        long bytes = 0;
        for (int i = 0; i < 100_000; i++)
        {
            int length = random.Next(10, line.Length + 1);
            if (!room.HasRoomFor(length))
                break;
            room.Wrote(length);
            nint written = LibC.write(writeFd, ref line[0], (nuint)length);
            if (written != length)
                return (writes, bytes, $"write {writes + 1} of {length} bytes returned {written} after {bytes} bytes");
            writes++;
            bytes += length;
        }
        return (writes, bytes, null);
    }

    private static LibC.FdPair Pipe(int flags)
    {
        var fds = new LibC.FdPair();
        if (LibC.pipe2(ref fds, LibC.O_CLOEXEC | LibC.O_NONBLOCK | flags) != 0)
            throw new InvalidOperationException("pipe2 failed");
        return fds;
    }

    [Test]
    [Arguments(1)]
    [Arguments(2)]
    [Arguments(3)]
    public async Task A_pipe_nobody_reads_takes_every_write_the_room_allows_and_is_polled_once_a_page(int seed)
    {
        LibC.FdPair pipe = Pipe(0);
        try
        {
            var room = new StdoutRoom(pipe.Write);
            (int writes, long bytes, string? failure) = FillWhileItSaysSo(pipe.Write, room, seed);

            await Assert.That(failure).IsNull();
            // It stops only when the pipe (64 KiB, 16 slots) is about full, not early...
            await Assert.That(bytes).IsGreaterThan(60 * 1024);
            // ...and asked the kernel about once a page: 64 KiB of ~105-byte lines is ~600 writes, 16-17 pages.
            await Assert.That(room.Polls).IsLessThanOrEqualTo(24);
            await Assert.That(writes).IsGreaterThan(500);
        }
        finally
        {
            LibC.close(pipe.Read);
            LibC.close(pipe.Write);
        }
    }

    [Test]
    public async Task A_pipe_in_packet_mode_is_polled_before_every_write_and_never_overfilled()
    {
        // O_DIRECT: every write takes a slot of its own, so a page's budget would overfill it.
        LibC.FdPair pipe = Pipe(LibC.O_DIRECT);
        try
        {
            var room = new StdoutRoom(pipe.Write);
            (int writes, _, string? failure) = FillWhileItSaysSo(pipe.Write, room, seed: 4);

            await Assert.That(failure).IsNull();
            await Assert.That(writes).IsGreaterThanOrEqualTo(15); // 16 slots, one write each
            await Assert.That(room.Polls).IsEqualTo(writes + 1);
        }
        finally
        {
            LibC.close(pipe.Read);
            LibC.close(pipe.Write);
        }
    }

    [Test]
    public async Task A_file_always_has_room_and_is_never_polled()
    {
        string path = Path.GetTempFileName();
        try
        {
            using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Write);
            var room = new StdoutRoom((int)file.DangerousGetHandle());

            bool always = Enumerable.Range(0, 1000).All(_ => room.HasRoomFor(StdoutRoom.PageBytes));

            await Assert.That(always).IsTrue();
            await Assert.That(room.Polls).IsEqualTo(0);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
