// Asks for the room secret on the terminal (/dev/tty, so it works in pipe mode too, where stdin is the chat), with
// echo off, as ssh and sudo do: the secret is never on the command line (where `ps` shows it) nor on the screen.
using System.Text;

namespace P2PChat.Ui;

internal static class SecretPrompt
{
    public const int MaxBytes = 1024;

    /// <summary>The line typed, or null and the reason there is no terminal to ask on.</summary>
    public static string? Ask(string prompt, out string? error)
    {
        error = null;
        FileStream tty;
        try
        {
            tty = new FileStream("/dev/tty", FileMode.Open, FileAccess.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = "there is no terminal to ask for the room secret on; set P2PCHAT_ROOM_SECRET or use --room-file FILE";
            return null;
        }
        using (tty)
        {
            int fd = (int)tty.SafeFileHandle.DangerousGetHandle();
            var saved = new LibC.Termios();
            bool restore = LibC.tcgetattr(fd, ref saved) == 0;
            if (restore)
            {
                LibC.Termios quiet = saved;
                quiet.LFlag &= ~LibC.ECHO;
                LibC.tcsetattr(fd, LibC.TCSANOW, ref quiet);
            }
            try
            {
                tty.Write(Encoding.UTF8.GetBytes(prompt));
                tty.Flush();
                var line = new List<byte>();
                var one = new byte[1];
                while (tty.Read(one, 0, 1) == 1 && one[0] != (byte)'\n' && line.Count < MaxBytes)
                    if (one[0] != (byte)'\r')
                        line.Add(one[0]);
                tty.Write("\n"u8);
                return Encoding.UTF8.GetString([.. line]);
            }
            finally
            {
                if (restore)
                    LibC.tcsetattr(fd, LibC.TCSANOW, ref saved);
            }
        }
    }
}
