// One running p2pchat binary in pipe mode, for end-to-end tests: stdin is a pipe the test writes lines to (and
// closes, which is how a pipe-mode peer leaves), stdout and stderr are read as they come into thread-safe line
// lists (stdout's raw bytes are kept too), or stdout is left unread on purpose (a reader that never reads). It can be
// run under a prefix command (`ip netns exec NS`), killed, stopped and continued. Disposing kills the process if it
// is still running.
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace P2PChat.Tests.EndToEnd;

internal sealed partial class ChatProcess : IAsyncDisposable
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>XDG_CONFIG_HOME of every process a test run starts: their identity and known_peers stay out of the
    /// user's own ~/.config (and known_peers does not grow with every run's made-up senders).</summary>
    public static readonly string ConfigHome = Directory.CreateTempSubdirectory("p2pchat-tests-").FullName;

    private readonly Process _process;
    private readonly Lock _lock = new();
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly MemoryStream _stdoutBytes = new();
    private readonly Task _stdoutReader;
    private readonly Task _stderrReader;
    private bool _stdinClosed;

    /// <param name="readStdout">False: stdout is a pipe nobody reads, so once the kernel's pipe buffer (64 KiB on
    /// Linux) is full the process's writes to it block. The test itself never waits on that pipe.</param>
    private ChatProcess(string label, IReadOnlyList<string> args, IReadOnlyList<string>? prefix = null, bool readStdout = true)
    {
        Label = label;
        Arguments = args;
        Prefix = prefix ?? [];
        var start = new ProcessStartInfo(Prefix.Count > 0 ? Prefix[0] : NativeBinary.Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = Utf8,
        };
        if (Prefix.Count > 0)
        {
            foreach (string arg in Prefix.Skip(1))
                start.ArgumentList.Add(arg);
            start.ArgumentList.Add(NativeBinary.Path);
        }
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["NO_COLOR"] = "1";
        // The processes' identity and known_peers live in a directory of this test run, not the user's ~/.config.
        start.Environment["XDG_CONFIG_HOME"] = ConfigHome;
        _process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {NativeBinary.Path}");
        _process.StandardInput.AutoFlush = true;
        _process.StandardInput.NewLine = "\n";
        StdoutRead = readStdout;
        _stdoutReader = readStdout ? Task.Run(() => ReadLinesAsync(_process.StandardOutput.BaseStream, _stdout, _stdoutBytes)) : Task.CompletedTask;
        _stderrReader = Task.Run(() => ReadLinesAsync(_process.StandardError.BaseStream, _stderr, null));
    }

    /// <summary>Who this is in failure messages, e.g. "bob".</summary>
    public string Label { get; }

    public IReadOnlyList<string> Arguments { get; }

    /// <summary>The chat name (the first argument): what others print before its lines.</summary>
    public string Name => Arguments.Count > 0 ? Arguments[0] : Label;

    /// <summary>The command the binary runs under (it must exec it, as `ip netns exec NS` does); empty for none.</summary>
    public IReadOnlyList<string> Prefix { get; }

    /// <summary>The process id (the binary's own, since a prefix command execs it).</summary>
    public int Pid => _process.Id;

    /// <summary>False when stdout is deliberately left unread (<see cref="Stdout"/> then stays empty).</summary>
    public bool StdoutRead { get; }

    /// <summary>Lines written to stdout so far, without their newline.</summary>
    public IReadOnlyList<string> Stdout
    {
        get { lock (_lock) return [.. _stdout]; }
    }

    /// <summary>How many lines were written to stdout so far: cheap to poll when there are very many.</summary>
    public int StdoutCount
    {
        get { lock (_lock) return _stdout.Count; }
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

    /// <summary>Names of the peers this one has a link to, as its stderr tells: each "linked to NAME (...)" adds
    /// one, each "link to NAME closed (...)" removes it (reported once per peer however many links it has to it).</summary>
    public IReadOnlySet<string> Neighbours
    {
        get
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (string line in Stderr)
            {
                if (JoinedLine().Match(line) is { Success: true } joined)
                    names.Add(joined.Groups[1].Value);
                else if (LeftLine().Match(line) is { Success: true } left)
                    names.Remove(left.Groups[1].Value);
            }
            return names;
        }
    }

    /// <summary>Starts the binary with exactly these arguments; does not wait for anything.</summary>
    public static ChatProcess Start(string label, params string[] args) => new(label, args);

    /// <summary>Starts a long-lived peer NAME on 127.0.0.1 with a port the system picks, joining 127.0.0.1
    /// <paramref name="joinPort"/> when given, and returns once it is listening (and has joined).</summary>
    public static Task<ChatProcess> StartPeerAsync(string name, int? joinPort = null, params string[] extra) =>
        StartListeningAsync(name, PeerArguments(name, joinPort, extra), joins: joinPort is not null);

    /// <summary>Like <see cref="StartPeerAsync"/>, but nobody ever reads the peer's stdout: a pipe that fills up and
    /// stays full, as when the program it is piped into hangs.</summary>
    public static Task<ChatProcess> StartPeerWithUnreadStdoutAsync(string name, int? joinPort = null, params string[] extra) =>
        StartListeningAsync(name, PeerArguments(name, joinPort, extra), joins: joinPort is not null, readStdout: false);

    /// <summary>NAME [127.0.0.1 PORT] --bind 127.0.0.1 --port 0 EXTRA...</summary>
    private static List<string> PeerArguments(string name, int? joinPort, string[] extra)
    {
        var args = new List<string> { name };
        if (joinPort is { } port)
            args.AddRange(["127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        args.AddRange(["--bind", "127.0.0.1", "--port", "0", .. extra]);
        return args;
    }

    /// <summary>Starts `[prefix...] p2pchat args...` and returns once it is listening and, when
    /// <paramref name="joins"/>, has joined through the address(es) in <paramref name="args"/>.</summary>
    public static async Task<ChatProcess> StartListeningAsync(string label, IReadOnlyList<string> args, bool joins,
        IReadOnlyList<string>? prefix = null, bool readStdout = true)
    {
        var peer = new ChatProcess(label, args, prefix, readStdout);
        try
        {
            await peer.WaitForStderrAsync(line => ListeningLine().IsMatch(line), "a 'listening on ADDRESS port N' line");
            if (joins)
                await peer.WaitForStderrAsync(line => line.Contains("joined through", StringComparison.Ordinal), "a 'joined through' line");
            return peer;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    /// <summary>kill -9: the process dies at once, flushing nothing (the kernel still closes its sockets).
    /// Returns once it has exited.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>kill -STOP: the process is frozen (its sockets stay open and the kernel keeps acknowledging data).</summary>
    public void Stop() => Signal(SigStop, "SIGSTOP");

    /// <summary>kill -CONT: a stopped process runs again.</summary>
    public void Continue() => Signal(SigCont, "SIGCONT");

    private const int SigCont = 18; // Linux x86-64 and arm64, the platforms the binary is published for
    private const int SigStop = 19;

    /// <summary>Sends signal number <paramref name="signal"/> (SIGHUP 1, SIGINT 2, SIGTERM 15).</summary>
    public void Signal(int signal) => Signal(signal, $"signal {signal}");

    private void Signal(int signal, string name)
    {
        if (SysKill(_process.Id, signal) != 0)
            throw new InvalidOperationException($"{name} to {Label} (pid {_process.Id}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    /// <summary>Writes one line (one chat message) to stdin.</summary>
    public async Task SayAsync(string line) => await _process.StandardInput.WriteLineAsync(line);

    /// <summary>Writes many lines to stdin in one go, as `cat file |` would; completes once the process has read
    /// them (a pipe-mode peer pacing itself may take a while, so callers may wait on something else meanwhile).</summary>
    public async Task SayAllAsync(IEnumerable<string> lines) =>
        await _process.StandardInput.WriteAsync(string.Concat(lines.Select(line => line + "\n")));

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
        string prefix = Prefix.Count > 0 ? string.Join(' ', Prefix) + " " : "";
        string stdout = StdoutRead ? Indent(Stdout) : " (left unread on purpose)";
        return $"  {Label} ({prefix}p2pchat {string.Join(' ', Arguments)})\n  stdout:{stdout}\n  stderr:{Indent(Stderr)}";
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

    /// <summary>"p2pchat: linked to bob (127.0.0.1:40213)".</summary>
    [GeneratedRegex(@"^p2pchat: linked to (\S+) \(")]
    private static partial Regex JoinedLine();

    /// <summary>"p2pchat: link to bob closed (no sign of life for 3 s)".</summary>
    [GeneratedRegex(@"^p2pchat: link to (\S+) closed \(")]
    private static partial Regex LeftLine();
}
