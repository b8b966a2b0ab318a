// Wires the command line: `p2pchat NAME [HOST PORT] [options]`. Parse errors and invalid values get one line on
// stderr and exit code 2; network set-up failures exit 1; everything else is in Ui/ and Net/.
using System.CommandLine;
using System.CommandLine.Invocation;
using P2PChat.Net;
using P2PChat.Ui;

// A Linux program (termios, getrandom, Unix file modes for the identity): the platform analyzer checks calls against that.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace P2PChat;

internal static class Program
{
    public const int ExitUsage = 2;

    private static Task<int> Main(string[] args)
    {
        // Run socket completions on the epoll thread that saw them, instead of handing each one to the thread pool:
        // one thread wake-up less per hop. Our callbacks never block: they hand bytes to the protocol core under the
        // node's lock (held for one input at a time), which copies into send queues and into the event queue; the
        // display writes on a thread of its own (EventPump), so stdout that nobody reads never holds the epoll
        // thread. Read by System.Net.Sockets when the first socket is made.
        if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
            Environment.SetEnvironmentVariable(InlineCompletions, "1");
        // One epoll thread, not one per core: the protocol core takes one input at a time under the node's lock, so a
        // second thread bought no parallelism worth having, and frames arriving on two links at once woke two threads
        // instead of one. 300 processes, two alternated rounds: 1.46-1.55 wake-ups of the socket threads a reader and
        // line against 1.73-1.74, idle 4.3-4.5 a second against 5.0-5.4; bench/run.sh's throughput and bench/load.sh's
        // attacks the same within their spread. Read by System.Net.Sockets when the first socket is made.
        if (Environment.GetEnvironmentVariable(SocketThreads) is null)
            Environment.SetEnvironmentVariable(SocketThreads, "1");
        // Idle thread-pool workers sleep at once instead of spinning on sched_yield for work: on 2 cores the spinning
        // took CPU from the peers themselves (a sender linked to two peers: 840 ms of CPU for 100,000 messages with
        // it, 310 ms without). Read when the thread pool starts, which is after this.
        if (Environment.GetEnvironmentVariable(SpinLimit) is null)
            Environment.SetEnvironmentVariable(SpinLimit, "0");
        // .NET finds terminfo under HOME and, without HOME, asks the passwd database, the first time anything is written
        // while a terminal is attached, even an error line: in an empty root that threw IOException and aborted, and in
        // the static build a passwd line naming an NSS module (sss, for a user /etc/passwd does not list) would crash
        // it. So .NET gets a HOME; our own code still sees the one the user gave (s_userEnvironment).
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("HOME")))
        {
            s_userEnvironment = static name => name == "HOME" ? null : Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable("HOME", "/");
        }
        return RunAsync(args, Console.Out, Console.Error);
    }

    /// <summary>The environment as the user gave it (Main may have set HOME for .NET alone).</summary>
    private static Func<string, string?> s_userEnvironment = Environment.GetEnvironmentVariable;

    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
    private const string SpinLimit = "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit";
    private const string SocketThreads = "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var name = new Argument<string?>("name") { Description = "Your name in the chat (1-32 bytes, no control characters)", Arity = ArgumentArity.ZeroOrOne };
        var host = new Argument<string?>("host") { Description = "A peer already in the network, to join through", Arity = ArgumentArity.ZeroOrOne };
        var port = new Argument<string?>("port") { Description = "That peer's port", Arity = ArgumentArity.ZeroOrOne };
        var listenPort = new Option<string?>("--port", "-p") { Description = "Port to listen on (default 0: the system picks a free one and it is shown)" };
        var bind = new Option<string?>("--bind") { Description = "Address to listen on (default: all interfaces, IPv4 and IPv6)" };
        var peers = new Option<string[]>("--peer") { Description = "Another peer to join through, as HOST:PORT or [IPV6]:PORT (repeatable)", Arity = ArgumentArity.ZeroOrMore };
        var links = new Option<string?>("--links") { Description = $"How many peers to stay directly connected to; lost links are replaced from peers learned along the way (default {NodeOptions.DefaultTargetLinks}, 0 = only the links you make)" };
        var history = new Option<string?>("--history") { Description = $"How many earlier messages to show when joining (default {NodeOptions.DefaultHistory}, 0 for none)" };
        var json = new Option<bool>("--json") { Description = "Pipe mode: write one JSON object per event on stdout" };
        var identity = new Option<string?>("--identity") { Description = "Identity file (default: $XDG_CONFIG_HOME/p2pchat/identity, made on first run)" };
        var roomFile = new Option<string?>("--room-file") { Description = "File holding the room secret (or set P2PCHAT_ROOM_SECRET); peers without the same secret cannot join or read" };
        var roomPrompt = new Option<bool>("--room-prompt") { Description = "Ask for the room secret on the terminal (typed without echo)" };

        var root = new RootCommand("p2pchat: serverless peer-to-peer chat. Interactive on a terminal; with a pipe, one message per line in and out.")
        {
            name, host, port, listenPort, bind, peers, links, history, json, identity, roomFile, roomPrompt,
        };
        root.SetAction(async (result, _) =>
        {
            if (LaunchOptions.TryCreate(result.GetValue(name), result.GetValue(host), result.GetValue(port), result.GetValue(listenPort),
                    result.GetValue(bind), result.GetValue(peers) ?? [], result.GetValue(links), result.GetValue(history), result.GetValue(json), out LaunchOptions options) is { } error)
            {
                await stderr.WriteLineAsync($"p2pchat: {error}");
                return ExitUsage;
            }
            options = options with { IdentityFile = result.GetValue(identity), RoomFile = result.GetValue(roomFile), RoomPrompt = result.GetValue(roomPrompt) };
            if (options.RoomFile is not null && options.RoomPrompt)
            {
                await stderr.WriteLineAsync("p2pchat: give --room-file or --room-prompt, not both");
                return ExitUsage;
            }
            if (KeyLoader.TryLoad(options, s_userEnvironment, out P2PChat.Net.NodeKeys keys, out P2PChat.Net.Identity.KnownPeers? known,
                    out string? created) is { } keyError)
            {
                await stderr.WriteLineAsync($"p2pchat: {keyError}");
                return 1;
            }
            if (created is not null)
                await stderr.WriteLineAsync($"p2pchat: made a new identity in {created}");
            using var signals = new ShutdownSignals();
            return await ChatApp.RunAsync(options with { Keys = keys, Known = known }, signals.Token);
        });

        ParseResult parsed = root.Parse(args);
        if (parsed.Action is ParseErrorAction)
        {
            await stderr.WriteLineAsync($"p2pchat: {parsed.Errors[0].Message} (see p2pchat --help)");
            return ExitUsage;
        }
        // No ProcessTerminationTimeout: the signals are ours (ShutdownSignals).
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null });
    }
}
