// One program to compare, from `--program NAME=COMMAND [ARGS...]`: a column label, the executable, and extra
// arguments. Every peer is started as `COMMAND NAME [127.0.0.1 JOINPORT] --port P ARGS...` (the pipe contract
// first, the program's own options after it, where a program with no options of its own never sees them).
using System.Diagnostics;
using System.Text;

namespace P2PChat.Bench;

internal sealed record ProgramSpec(string Name, string Executable, IReadOnlyList<string> ExtraArgs)
{
    /// <summary>Null (and the reason) when spec is not NAME=COMMAND. Arguments split on spaces, no quoting.</summary>
    public static ProgramSpec? Parse(string spec, out string? error)
    {
        error = null;
        int equals = spec.IndexOf('=');
        string[] words = equals < 0 ? [] : spec[(equals + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (equals <= 0 || words.Length == 0)
        {
            error = $"--program wants NAME=COMMAND [ARGS...], got \"{spec}\"";
            return null;
        }
        string executable = Path.GetFullPath(words[0]);
        if (!File.Exists(executable))
        {
            error = $"--program {spec[..equals]}: no file {executable}";
            return null;
        }
        return new ProgramSpec(spec[..equals], executable, words[1..]);
    }

    public string CommandLine => string.Join(' ', [Executable, .. ExtraArgs]);

    /// <summary>Size of the executable in bytes.</summary>
    public long BinaryBytes => new FileInfo(Executable).Length;

    public ProcessStartInfo StartInfo(string peerName, int port, int? joinPort)
    {
        var info = new ProcessStartInfo(Executable)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false), // never a BOM in front of the first message
        };
        info.ArgumentList.Add(peerName);
        if (joinPort is int join)
        {
            info.ArgumentList.Add("127.0.0.1");
            info.ArgumentList.Add(join.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        info.ArgumentList.Add("--port");
        info.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (string arg in ExtraArgs)
            info.ArgumentList.Add(arg);
        return info;
    }
}
