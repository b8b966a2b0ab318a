// One real p2pchat process in pipe mode: stdin a pipe the harness writes lines to, stdout read as raw bytes on a thread
// of its own (64 KiB reads, lines split in place, each handed to a callback with the time the read returned), stderr
// kept as lines with the time they came. The victim runs under `sh -c 'ulimit -n N; exec p2pchat ...'` so its
// descriptor limit is the one the user's shell had, not the one load.sh raised for the harness.
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace P2PChat.Load;

internal delegate void LineHandler(ReadOnlySpan<byte> line, long ticks);

internal sealed partial class ChatPeer : IDisposable
{
    private readonly Process _process;
    private readonly Thread _stdoutThread;
    private readonly Thread _stderrThread;
    private readonly List<(long Ticks, string Line)> _stderr = [];
    private readonly Stream _stdin;

    public ChatPeer(string binary, IReadOnlyList<string> args, string configHome, LineHandler onStdout, int? nofile = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (nofile is { } limit)
        {
            start.FileName = "/bin/sh";
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("ulimit -n \"$0\" && exec \"$@\"");
            start.ArgumentList.Add(limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
            start.ArgumentList.Add(binary);
        }
        else
        {
            start.FileName = binary;
        }
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["NO_COLOR"] = "1";
        start.Environment["XDG_CONFIG_HOME"] = configHome;
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;
        Name = args[0];
        _process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {binary}");
        _stdin = _process.StandardInput.BaseStream;
        Stream stdout = _process.StandardOutput.BaseStream;
        Stream stderr = _process.StandardError.BaseStream;
        _stdoutThread = new Thread(() => ReadLines(stdout, onStdout)) { IsBackground = true, Name = $"{Name} stdout" };
        _stderrThread = new Thread(() => ReadLines(stderr, (line, ticks) =>
        {
            string text = Encoding.UTF8.GetString(line);
            lock (_stderr)
                _stderr.Add((ticks, text));
        })) { IsBackground = true, Name = $"{Name} stderr" };
        _stdoutThread.Start();
        _stderrThread.Start();
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public List<(long Ticks, string Line)> Stderr
    {
        get { lock (_stderr) return [.. _stderr]; }
    }

    /// <summary>The port from "p2pchat: NAME listening on 127.0.0.1 port N"; -1 before that line came.</summary>
    public int Port
    {
        get
        {
            foreach ((_, string line) in Stderr)
                if (ListeningLine().Match(line) is { Success: true } match)
                    return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            return -1;
        }
    }

    public bool StderrHas(string fragment) => Stderr.Any(entry => entry.Line.Contains(fragment, StringComparison.Ordinal));

    /// <summary>Writes one line (one message) to stdin and returns the time just before the write.</summary>
    public long Say(byte[] lineWithNewline)
    {
        long ticks = Stopwatch.GetTimestamp();
        _stdin.Write(lineWithNewline);
        _stdin.Flush();
        return ticks;
    }

    private static void ReadLines(Stream stream, LineHandler onLine)
    {
        var buffer = new byte[64 * 1024];
        int kept = 0;
        while (true)
        {
            int read;
            try
            {
                read = stream.Read(buffer, kept, buffer.Length - kept);
            }
            catch (IOException)
            {
                return;
            }
            if (read == 0)
                return;
            long ticks = Stopwatch.GetTimestamp();
            int end = kept + read;
            int start = 0;
            for (int i = kept; i < end; i++)
            {
                if (buffer[i] != (byte)'\n')
                    continue;
                onLine(buffer.AsSpan(start, i - start), ticks);
                start = i + 1;
            }
            kept = end - start;
            if (kept == buffer.Length)
            {
                onLine(buffer, ticks); // a line over 64 KiB: hand it out in pieces
                kept = 0;
            }
            else if (kept > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, kept);
            }
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _stdoutThread.Join(2000);
        _stderrThread.Join(2000);
        _process.Dispose();
    }

    [GeneratedRegex(@"^p2pchat: .* listening on (?:\S+ )?port (\d+)")]
    private static partial Regex ListeningLine();
}
