// The few libc calls the raw terminal needs (termios, poll, read, a wake-up pipe, signals), Linux x86-64/arm64 glibc
// layouts and constants. DllImport rather than LibraryImport: the project builds without unsafe code, which the
// LibraryImport generator needs; every signature here is blittable (ints, refs to plain structs, ref byte), so
// neither the runtime nor native AOT generates any marshalling and the publish stays free of trim/AOT warnings.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace P2PChat.Ui;

internal static class LibC
{
    public const int EINTR = 4;
    public const int EAGAIN = 11;

    public const int TCSANOW = 0;

    // c_iflag
    public const uint BRKINT = 0x2, PARMRK = 0x8, INPCK = 0x10, ISTRIP = 0x20, INLCR = 0x40, IGNCR = 0x80, ICRNL = 0x100,
        IXON = 0x400, IXOFF = 0x1000, IGNBRK = 0x1;

    // c_cflag
    public const uint CSIZE = 0x30, CS8 = 0x30, PARENB = 0x100;

    // c_lflag
    public const uint ISIG = 0x1, ICANON = 0x2, ECHO = 0x8, ECHONL = 0x40, IEXTEN = 0x8000;

    // c_cc indexes
    public const int VTIME = 5, VMIN = 6;

    public const short POLLIN = 0x1, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;

    /// <summary>True when <paramref name="fd"/> takes a write now without blocking: a pipe with at least a page free
    /// (Linux's POLLOUT for pipes), a file, a terminal with room. A write of up to a page then does not block.</summary>
    public static bool CanWriteNow(int fd)
    {
        var fds = new PollFdPair { First = new PollFd { Fd = fd, Events = POLLOUT } };
        return poll(ref fds, 1, 0) == 1 && (fds.First.REvents & (POLLOUT | POLLERR | POLLHUP | POLLNVAL)) == POLLOUT;
    }

    public const int O_CLOEXEC = 0x80000, O_NONBLOCK = 0x800;

    /// <summary>O_DIRECT, which on a pipe means packet mode (every write its own page): its value differs by
    /// architecture.</summary>
    public static int O_DIRECT => RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x10000 : 0x4000;

    public const int F_GETFL = 3, F_GETPIPE_SZ = 1032, SEEK_CUR = 1;

    public const int SIGSTOP = 19;

    /// <summary>glibc's struct termios: 60 bytes, c_cc at offset 17, c_ispeed at 52.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Termios
    {
        public uint IFlag;
        public uint OFlag;
        public uint CFlag;
        public uint LFlag;
        public byte Line;
        public ControlChars Cc;
        public uint ISpeed;
        public uint OSpeed;
    }

    [InlineArray(32)]
    public struct ControlChars
    {
        private byte _first;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short REvents;
    }

    /// <summary>Two pollfds back to back, as poll() wants an array of them.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFdPair
    {
        public PollFd First;
        public PollFd Second;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct FdPair
    {
        public int Read;
        public int Write;
    }

    [DllImport("libc", SetLastError = true)]
    public static extern int tcgetattr(int fd, ref Termios termios);

    [DllImport("libc", SetLastError = true)]
    public static extern int tcsetattr(int fd, int optionalActions, ref Termios termios);

    [DllImport("libc", SetLastError = true)]
    public static extern int tcgetpgrp(int fd);

    [DllImport("libc")]
    public static extern int getpgrp();

    [DllImport("libc")]
    public static extern int getpid();

    [DllImport("libc", SetLastError = true)]
    public static extern int kill(int pid, int signal);

    [DllImport("libc", SetLastError = true)]
    public static extern int poll(ref PollFdPair fds, nuint count, int timeoutMs);

    [DllImport("libc", SetLastError = true)]
    public static extern nint read(int fd, ref byte buffer, nuint count);

    [DllImport("libc", SetLastError = true)]
    public static extern nint write(int fd, ref byte buffer, nuint count);

    [DllImport("libc", SetLastError = true)]
    public static extern int pipe2(ref FdPair fds, int flags);

    [DllImport("libc", SetLastError = true)]
    public static extern int close(int fd);

    /// <summary>fcntl with an int argument or none (F_GETFL, F_GETPIPE_SZ).</summary>
    [DllImport("libc", SetLastError = true)]
    public static extern int fcntl(int fd, int command, int argument);

    [DllImport("libc", SetLastError = true)]
    public static extern long lseek(int fd, long offset, int whence);
}
