// One full-screen session (InteractiveSession.RunAsync) running against fakes: a node that records what is said, a
// cell-grid terminal, scripted keys and a clock that pacing cannot slow down. The test drives it as a user and the
// network would, and waits (with a deadline) for what the screen shows.
using System.Text;
using P2PChat.Net;
using P2PChat.Ui;

namespace P2PChat.Tests.Ui.Sessions;

internal sealed class SessionRig : IAsyncDisposable
{
    /// <summary>How long a test waits for the session to show something; it takes milliseconds.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    /// <summary>09:41 UTC, the time every line shows.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 30, 9, 41, 0, TimeSpan.Zero);

    private readonly CancellationTokenSource _signal = new();
    private ulong _seq;

    private SessionRig(int width, int height)
    {
        Terminal = new FakeTerminal(width, height) { Colors = true };
        Session = new InteractiveSession(Node.Name, null, Clock);
        Run = Task.Run(() => Session.RunAsync(Node, Terminal, Keys, _signal.Token));
    }

    public FakeNode Node { get; } = new("me");
    public FakeKeys Keys { get; } = new();
    public SteppingClock Clock { get; } = new(Start);
    public FakeTerminal Terminal { get; }
    public InteractiveSession Session { get; }
    public Task<int> Run { get; }

    public static async Task<SessionRig> StartAsync(int width = 60, int height = 12)
    {
        var rig = new SessionRig(width, height);
        await rig.ShowsAsync(screen => screen[^2].StartsWith(" me | listening", StringComparison.Ordinal), "the status bar");
        return rig;
    }

    /// <summary>A line from <paramref name="sender"/>, as the node's event thread hands it over.</summary>
    public void Hear(string sender, string text, bool history = false, long timeMs = 0)
    {
        byte[] name = Encoding.UTF8.GetBytes(sender);
        byte[] body = Encoding.UTF8.GetBytes(text);
        Session.OnMessage(new ChatView(new MessageId(0x5eed, ++_seq), timeMs, name, body, history));
    }

    /// <summary>Waits until the screen satisfies <paramref name="condition"/>; fails with the screen as it was.</summary>
    public Task ShowsAsync(Func<string[], bool> condition, string what) =>
        Eventually.WaitUntil(() => condition(Terminal.Screen()), Deadline, what, () => "\n" + string.Join('\n', Terminal.Screen()));

    public Task ShowsAsync(string text) => ShowsAsync(screen => screen.Any(row => row.Contains(text, StringComparison.Ordinal)), $"'{text}' on the screen");

    public Task LacksAsync(string text) => ShowsAsync(screen => !screen.Any(row => row.Contains(text, StringComparison.Ordinal)), $"no '{text}' on the screen");

    /// <summary>The session's exit code, once it has ended (within the deadline).</summary>
    public async Task<int> EndedAsync() => await Run.WaitAsync(Deadline);

    /// <summary>A signal (SIGTERM, SIGHUP) as ChatApp delivers it.</summary>
    public void Signal() => _signal.Cancel();

    public async ValueTask DisposeAsync()
    {
        if (!Run.IsCompleted)
        {
            _signal.Cancel();
            await Run.WaitAsync(Deadline);
        }
        _signal.Dispose();
    }
}
