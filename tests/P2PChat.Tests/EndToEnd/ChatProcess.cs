// One running p2pchat binary in pipe mode, for end-to-end tests: stdin is a pipe the test writes lines to (and
// closes, which is how a pipe-mode peer leaves), stdout and stderr are read as they come into thread-safe line
// lists (stdout's raw bytes are kept too). Disposing kills the process if it is still running.
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace P2PChat.Tests.EndToEnd;

internal sealed partial class ChatProcess : IAsyncDisposable
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly Process _process;
    private readonly Lock _lock = new();
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly MemoryStream _stdoutBytes = new();
    private readonly Task _stdoutReader;
    private readonly Task _stderrReader;
    private bool _stdinClosed;

    private ChatProcess(string label, IReadOnlyList<string> args)
    {
        Label = label;
        Arguments = args;
        var start = new ProcessStartInfo(NativeBinary.Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = Utf8,
        };
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["NO_COLOR"] = "1";
        _process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {NativeBinary.Path}");
        _process.StandardInput.AutoFlush = true;
        _process.StandardInput.NewLine = "\n";
        _stdoutReader = Task.Run(() => ReadLinesAsync(_process.StandardOutput.BaseStream, _stdout, _stdoutBytes));
        _stderrReader = Task.Run(() => ReadLinesAsync(_process.StandardError.BaseStream, _stderr, null));
    }

    /// <summary>Who this is in failure messages, e.g. "bob".</summary>
    public string Label { get; }

    public IReadOnlyList<string> Arguments { get; }

    /// <summary>Lines written to stdout so far, without their newline.</summary>
    public IReadOnlyList<string> Stdout
    {
        get { lock (_lock) return [.. _stdout]; }
    }

    /// <summary>Lines written to stderr so far, without their newline.</summary>
    public IReadOnlyList<string> Stderr
    {
        get { lock (_lock) return [.. _stderr]; }
    }

    /// <summary>Every byte written to stdout so far, exactly as written.</summary>
    public byte[] StdoutBytes
    {
        get { lock (_lock) return _stdoutBytes.ToArray(); }
    }

    /// <summary>The port from the "listening on" line on stderr; -1 while that line has not come.</summary>
    public int Port
    {
        get
        {
            foreach (string line in Stderr)
                if (ListeningLine().Match(line) is { Success: true } match)
                    return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            return -1;
        }
    }

    /// <summary>Starts the binary with exactly these arguments; does not wait for anything.</summary>
    public static ChatProcess Start(string label, params string[] args) => new(label, args);

    /// <summary>Starts a long-lived peer NAME on 127.0.0.1 with a port the system picks, joining 127.0.0.1
    /// <paramref name="joinPort"/> when given, and returns once it is listening (and has joined).</summary>
    public static async Task<ChatProcess> StartPeerAsync(string name, int? joinPort = null, params string[] extra)
    {
        var args = new List<string> { name };
        if (joinPort is { } port)
            args.AddRange(["127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        args.AddRange(["--bind", "127.0.0.1", "--port", "0", .. extra]);
        var peer = new ChatProcess(name, args);
        try
        {
            await peer.WaitForStderrAsync(line => ListeningLine().IsMatch(line), "a 'listening on 127.0.0.1 port N' line");
            if (joinPort is not null)
                await peer.WaitForStderrAsync(line => line.Contains("joined through", StringComparison.Ordinal), "a 'joined through' line");
            return peer;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    /// <summary>Writes one line (one chat message) to stdin.</summary>
    public async Task SayAsync(string line) => await _process.StandardInput.WriteLineAsync(line);

    /// <summary>Closes stdin: a pipe-mode peer then drains its links and exits.</summary>
    public void CloseStdin()
    {
        lock (_lock)
        {
            if (_stdinClosed)
                return;
            _stdinClosed = true;
        }
        _process.StandardInput.Close();
    }

    public Task WaitForStdoutAsync(string exactLine, TimeSpan? timeout = null) =>
        Wait.UntilAsync(() => Stdout.Contains(exactLine), $"{Label} to print '{exactLine}' on stdout", Describe, timeout);

    public Task WaitForStderrAsync(Func<string, bool> predicate, string expected, TimeSpan? timeout = null) =>
        Wait.UntilAsync(() => Stderr.Any(predicate), $"{expected} on {Label}'s stderr", Describe, timeout);

    /// <summary>Waits for the process to exit and for its output to be read to the end; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? Wait.Default;
        using var cancel = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            await Task.WhenAll(_stdoutReader, _stderrReader).WaitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Label} did not exit within {limit.TotalSeconds:0.#} s\n{Describe()}");
        }
        return _process.ExitCode;
    }

    /// <summary>Everything the process printed, for failure messages.</summary>
    public string Describe()
    {
        string Indent(IEnumerable<string> lines) => string.Concat(lines.Select(l => $"\n    | {l}"));
        return $"  {Label} (p2pchat {string.Join(' ', Arguments)})\n  stdout:{Indent(Stdout)}\n  stderr:{Indent(Stderr)}";
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            await Task.WhenAll(_stdoutReader, _stderrReader).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException)
        {
            // Already gone, or its pipes are stuck: nothing more to collect.
        }
        _process.Dispose();
    }

    private async Task ReadLinesAsync(Stream stream, List<string> lines, MemoryStream? raw)
    {
        var buffer = new byte[4096];
        var pending = new List<byte>();
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            lock (_lock)
            {
                raw?.Write(buffer, 0, read);
                for (int i = 0; i < read; i++)
                {
                    if (buffer[i] == (byte)'\n')
                    {
                        lines.Add(Utf8.GetString([.. pending]));
                        pending.Clear();
                    }
                    else
                    {
                        pending.Add(buffer[i]);
                    }
                }
            }
        }
        lock (_lock)
        {
            if (pending.Count > 0)
                lines.Add(Utf8.GetString([.. pending]));
        }
    }

    /// <summary>"p2pchat: bob listening on 127.0.0.1 port 40213" or "... listening on port 40213 (all interfaces)".</summary>
    [GeneratedRegex(@"^p2pchat: .* listening on (?:\S+ )?port (\d+)")]
    private static partial Regex ListeningLine();
}
