// Random bytes from the kernel through getrandom(2), never through OpenSSL (the BCL's RandomNumberGenerator is OpenSSL
// on Linux and aborts a static binary). DllImport with a blittable signature, as in Ui/LibC.cs: no unsafe code.
using System.Runtime.InteropServices;

namespace P2PChat.Net.Crypto;

internal sealed class OsRandom : IRandomSource
{
    public static readonly OsRandom Instance = new();

    private const int EINTR = 4;

    private OsRandom()
    {
    }

    public void Fill(Span<byte> destination)
    {
        // getrandom blocks only until the kernel's pool is first initialised; it may return fewer bytes than asked
        // (more than 256 at a time, or when a signal arrives), so loop until everything is filled.
        while (!destination.IsEmpty)
        {
            nint got = getrandom(ref MemoryMarshal.GetReference(destination), (nuint)destination.Length, 0);
            if (got > 0)
            {
                destination = destination[(int)got..];
                continue;
            }
            int errno = Marshal.GetLastPInvokeError();
            if (got < 0 && errno == EINTR)
                continue;
            throw new InvalidOperationException($"getrandom(2) failed (returned {got}, errno {errno})");
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern nint getrandom(ref byte buffer, nuint count, uint flags);
}
