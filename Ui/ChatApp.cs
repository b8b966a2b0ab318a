// Chooses the mode: the two-field terminal UI when stdin and stdout are both a terminal (and no --json), pipe
// mode otherwise, and plain line mode on a terminal that cannot position the cursor (TERM unset, dumb or unknown).
// The composition root of the full UI: the real node, terminal, keys and clock are made here and handed in; a signal
// (ShutdownSignals) is <c>cancel</c>.
using P2PChat.Net;

namespace P2PChat.Ui;

internal static class ChatApp
{
    public static Task<int> RunAsync(LaunchOptions options, CancellationToken cancel)
    {
        if (Console.IsInputRedirected || Console.IsOutputRedirected || options.Json)
        {
            return new PipeSession(options, Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.Error).RunAsync(cancel);
        }
        if (!CanDrawScreen(Environment.GetEnvironmentVariable("TERM")))
        {
            return new PipeSession(options, Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.Error, lineMode: true).RunAsync(cancel);
        }
        return RunFullScreenAsync(options, cancel);
    }

    /// <summary>False for terminals known not to understand cursor movement (and for no TERM at all).</summary>
    internal static bool CanDrawScreen(string? term) => term is { Length: > 0 } && term is not ("dumb" or "unknown" or "emacs");

    private static async Task<int> RunFullScreenAsync(LaunchOptions options, CancellationToken cancel)
    {
        (NodeKeys keys, Net.Identity.NameBook names) = options.Identity();
        var session = new InteractiveSession(options.Name, names, TimeProvider.System);
        using var node = new ChatNode(options.ToNodeOptions(), session, keys: keys);
        // Listen and join before taking over the screen, so a failure is one plain line on stderr.
        if (await NodeStarter.StartAsync(node, options, session.Info, cancel) is { } failure)
        {
            await Console.Error.WriteLineAsync($"p2pchat: {failure}");
            return 1;
        }
        int code;
        using (var terminal = new ConsoleTerminal())
        using (IKeySource keySource = OperatingSystem.IsLinux()
            ? new RawKeySource(mouseWheel: Environment.GetEnvironmentVariable("P2PCHAT_MOUSE") == "1")
            : new ConsoleKeySource())
        {
            code = await session.RunAsync(new NodeFacade(node), terminal, keySource, cancel);
        }
        await node.LeaveAsync(); // with the user's screen and cooked mode back
        return code;
    }
}
