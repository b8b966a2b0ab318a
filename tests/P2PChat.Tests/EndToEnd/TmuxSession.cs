// A private tmux server (its own -L socket, no user config) running one command in an 80x24 pane, for end-to-end
// tests of the interactive UI: type into it, read the screen as a person sees it, and learn how the program ended.
// After the program, a shell prints "[exited N]" and keeps the pane alive, so the terminal state the program left
// (alternate screen, cursor) can still be read: tmux hides the cursor of a dead pane. Disposing kills the server.
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace P2PChat.Tests.EndToEnd;

internal sealed partial class TmuxSession : IAsyncDisposable
{
    private const string Target = "e2e";

    private readonly string _socket = $"p2pchat-e2e-{Guid.NewGuid():N}";

    /// <summary>The server's socket file, which kill-server leaves behind; null until the server runs.</summary>
    private string? _socketPath;

    private TmuxSession(int width, int height)
    {
        Width = width;
        Height = height;
    }

    public int Width { get; private set; }
    public int Height { get; private set; }

    public static bool IsInstalled =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, "tmux")));

    /// <summary>Starts <paramref name="command"/> (a POSIX shell command line) in a new detached session.</summary>
    public static async Task<TmuxSession> StartAsync(string command, int width = 80, int height = 24)
    {
        var session = new TmuxSession(width, height);
        string wrapped = $"exec /bin/sh -c {Quote($"export XDG_CONFIG_HOME={Quote(ChatProcess.ConfigHome)}; {command}; echo \"[exited $?]\"; exec sleep 3600")}";
        try
        {
            await session.RunAsync("new-session", "-d", "-s", Target, "-x", $"{width}", "-y", $"{height}", wrapped);
            session._socketPath = await session.FormatAsync("#{socket_path}");
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    /// <summary>Single-quotes a word for the shell tmux runs the command with.</summary>
    public static string Quote(string word) => $"'{word.Replace("'", "'\\''", StringComparison.Ordinal)}'";

    /// <summary>The visible rows, top to bottom, exactly <see cref="Height"/> of them.</summary>
    public async Task<string[]> ScreenAsync()
    {
        string text = await RunAsync("capture-pane", "-p", "-t", Target);
        var rows = text.Split('\n').ToList();
        if (rows.Count > 0 && rows[^1].Length == 0 && text.EndsWith('\n'))
            rows.RemoveAt(rows.Count - 1);
        while (rows.Count < Height)
            rows.Add("");
        return [.. rows.Take(Height)];
    }

    /// <summary>The screen with row numbers, for failure messages.</summary>
    public async Task<string> DescribeScreenAsync()
    {
        string[] rows = await ScreenAsync();
        return string.Join('\n', rows.Select((row, i) => $"{i,2}|{row}"));
    }

    /// <summary>Types text literally (no key names).</summary>
    public Task TypeAsync(string text) => RunAsync("send-keys", "-t", Target, "-l", text);

    /// <summary>Presses keys by tmux name: "Enter", "C-c", "C-d".</summary>
    /// <summary>Resizes the pane as a user dragging the window would (the program gets SIGWINCH).</summary>
    public async Task ResizeAsync(int width, int height)
    {
        await RunAsync("resize-window", "-t", Target, "-x", width.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-y", height.ToString(System.Globalization.CultureInfo.InvariantCulture));
        (Width, Height) = (width, height);
    }

    /// <summary>Pastes <paramref name="text"/> as a terminal does (bracketed, when the program asked for it).</summary>
    public async Task PasteAsync(string text)
    {
        await RunAsync("set-buffer", "-b", "p2pchat-test", "--", text);
        await RunAsync("paste-buffer", "-p", "-d", "-b", "p2pchat-test", "-t", Target);
    }

    public Task PressAsync(params string[] keys) => RunAsync(["send-keys", "-t", Target, .. keys]);

    /// <summary>Reads a tmux format, e.g. "#{alternate_on}".</summary>
    public async Task<string> FormatAsync(string format) => (await RunAsync("display-message", "-p", "-t", Target, format)).TrimEnd('\n');

    /// <summary>Waits for the program to end (the "[exited N]" line) and returns its exit status.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        int status = -1;
        await Wait.UntilAsync(
            async () => (status = ExitStatus(await ScreenAsync())) >= 0,
            "the program in the tmux pane to exit ('[exited N]')",
            DescribeScreenAsync,
            timeout);
        return status;
    }

    private static int ExitStatus(string[] rows)
    {
        foreach (string row in rows)
            if (ExitedLine().Match(row) is { Success: true } match)
                return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync("kill-server");
        }
        catch (InvalidOperationException)
        {
            // The server already went away.
        }
        if (_socketPath is { Length: > 0 } && File.Exists(_socketPath))
            File.Delete(_socketPath);
    }

    /// <summary>Runs one tmux command against this server; throws with its stderr when it fails.</summary>
    private async Task<string> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("tmux")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string arg in (string[])["-L", _socket, "-f", "/dev/null", .. args])
            start.ArgumentList.Add(arg);
        using Process tmux = Process.Start(start) ?? throw new InvalidOperationException("could not start tmux");
        tmux.StandardInput.Close();
        Task<string> stdout = tmux.StandardOutput.ReadToEndAsync();
        Task<string> stderr = tmux.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await tmux.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            tmux.Kill();
            throw new TimeoutException($"tmux {string.Join(' ', args)} did not finish within 10 s");
        }
        if (tmux.ExitCode != 0)
            throw new InvalidOperationException($"tmux {string.Join(' ', args)} exited {tmux.ExitCode}: {await stderr}");
        return await stdout;
    }

    [GeneratedRegex(@"^\[exited (\d+)\]\s*$")]
    private static partial Regex ExitedLine();
}
