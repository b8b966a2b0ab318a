// The two-field terminal UI of the lab: messages above, input below, plus a status bar. One loop owns the screen:
// keys (from a reader thread), network events (from socket threads) and signals are posted to one channel, the
// loop applies them all and then renders once, so a burst of events costs one frame.
using System.Runtime.InteropServices;
using System.Text;
using System.Threading.Channels;
using P2PChat.Net;

namespace P2PChat.Ui;

internal sealed class InteractiveSession(LaunchOptions options) : IChatSink
{
    private readonly Channel<UiEvent> _events = Channel.CreateUnbounded<UiEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ChatScreen _screen = new();
    private ChatNode? _node;
    private char _highSurrogate;
    private bool _quit;

    public async Task<int> RunAsync(CancellationToken cancel)
    {
        using var node = new ChatNode(options.ToNodeOptions(), this);
        _node = node;
        // Listen and join before taking over the screen, so a failure is one plain line on stderr.
        if (await NodeStarter.StartAsync(node, options, text => Info(text), cancel) is { } failure)
        {
            await Console.Error.WriteLineAsync($"p2pchat: {failure}");
            return 1;
        }

        using (var terminal = new ConsoleTerminal())
        using (RegisterSignals())
        {
            var renderer = new ScreenRenderer(terminal, colors: Environment.GetEnvironmentVariable("NO_COLOR") is null or "");
            StartKeyReader();
            UpdateStatus();
            renderer.Render(_screen);
            using CancellationTokenRegistration onCancel = cancel.Register(() => Post(new UiEvent(UiEventKind.Quit)));
            while (!_quit && await _events.Reader.WaitToReadAsync(CancellationToken.None))
            {
                while (!_quit && _events.Reader.TryRead(out UiEvent e))
                    Apply(e, renderer);
                if (!_quit)
                    renderer.Render(_screen);
            }
        }
        await node.LeaveAsync();
        return 0;
    }

    private void Apply(UiEvent e, ScreenRenderer renderer)
    {
        switch (e.Kind)
        {
            case UiEventKind.Key:
                OnKey(e.Key);
                break;
            case UiEventKind.Line:
                _screen.Add(e.Line.Kind, e.Line.Text);
                break;
            case UiEventKind.PeersChanged:
                UpdateStatus();
                break;
            case UiEventKind.Resize:
                renderer.Invalidate();
                break;
            case UiEventKind.Quit:
                _quit = true;
                break;
        }
    }

    private void OnKey(ConsoleKeyInfo key)
    {
        InputLine input = _screen.Input;
        bool control = (key.Modifiers & ConsoleModifiers.Control) != 0;
        char c = key.KeyChar;
        if (c == '\x03' || c == '\x04' || (control && key.Key is ConsoleKey.C or ConsoleKey.D))
        {
            _quit = true;
            return;
        }
        switch (key.Key)
        {
            case ConsoleKey.Enter:
                Submit(input.Text);
                input.Clear();
                return;
            case ConsoleKey.Backspace:
                input.Backspace();
                return;
            case ConsoleKey.Delete:
                input.Delete();
                return;
            case ConsoleKey.LeftArrow:
                input.Left();
                return;
            case ConsoleKey.RightArrow:
                input.Right();
                return;
            case ConsoleKey.Home:
                input.Home();
                return;
            case ConsoleKey.End:
                input.End();
                return;
        }
        if (c == '\x7f' || c == '\b')
            input.Backspace();
        else if (c == '\x01')
            input.Home();
        else if (c == '\x05')
            input.End();
        else if (char.IsHighSurrogate(c))
            _highSurrogate = c;
        else if (char.IsLowSurrogate(c) && _highSurrogate != 0)
        {
            input.Insert(new Rune(_highSurrogate, c));
            _highSurrogate = '\0';
        }
        else if (c >= ' ' && !char.IsSurrogate(c))
            input.Insert(new Rune(c));
    }

    /// <summary>Enter on a non-empty line: a command (":quit") or a message for everyone.</summary>
    private void Submit(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
            return;
        string command = line.Trim();
        if (command is ":quit" or ":q")
        {
            _quit = true;
            return;
        }
        if (command == ":help")
        {
            Info("commands: :quit or :q (also Ctrl-C, Ctrl-D) leaves; :peers or :who lists who is online and who we are linked to; "
                + ":help shows this; anything else is sent to everyone");
            return;
        }
        if (command is ":peers" or ":who")
        {
            ListPeers();
            return;
        }
        if (command.Length > 1 && command[0] == ':' && command.AsSpan(1).ContainsAnyExceptInRange('a', 'z') is false)
        {
            Info($"unknown command {command} (:help lists the commands)");
            return;
        }
        foreach (string chunk in TextChunker.Split(line))
        {
            _node!.Say(chunk, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            _screen.Add(LineKind.Own, $"{TextSanitizer.Sanitize(options.Name)}: {TextSanitizer.Sanitize(chunk)}");
        }
    }

    /// <summary>:peers - everyone online (us first), then the peers we have a direct link to.</summary>
    private void ListPeers()
    {
        IReadOnlyList<MemberInfo> members = _node!.Members();
        IEnumerable<string> online = [$"{TextSanitizer.Sanitize(options.Name)} (you)", .. members.Select(m => TextSanitizer.Sanitize(m.Name))];
        Info($"online ({members.Count + 1}): {string.Join(", ", online)}");
        IReadOnlyList<PeerInfo> direct = _node.DirectPeers();
        Info(direct.Count == 0
            ? "linked to nobody yet (reconnecting to known peers)"
            : $"linked to ({direct.Count}): {string.Join(", ", direct.Select(p => $"{TextSanitizer.Sanitize(p.Name)} {p.RemoteEndPoint}"))}");
    }

    private void UpdateStatus()
    {
        int peers = _node?.DirectPeerCount ?? 0;
        int online = (_node?.Members().Count ?? 0) + 1;
        _screen.Status = $" {TextSanitizer.Sanitize(options.Name)} | listening on {NodeStarter.ListenDescription(_node!)} | {online} online, "
            + $"{peers} peer{(peers == 1 ? "" : "s")} connected | :quit to leave";
    }

    private void StartKeyReader()
    {
        var reader = new Thread(() =>
        {
            try
            {
                while (true)
                    Post(new UiEvent(UiEventKind.Key, Console.ReadKey(intercept: true)));
            }
            catch (Exception e) when (e is InvalidOperationException or IOException)
            {
                Post(new UiEvent(UiEventKind.Quit)); // the terminal went away
            }
        })
        { IsBackground = true, Name = "keys" };
        reader.Start();
    }

    private IDisposable RegisterSignals()
    {
        var registrations = new List<PosixSignalRegistration>
        {
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                Post(new UiEvent(UiEventKind.Quit));
            }),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                Post(new UiEvent(UiEventKind.Quit));
            }),
        };
        if (OperatingSystem.IsLinux())
            registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGWINCH, _ => Post(new UiEvent(UiEventKind.Resize))));
        return new Registrations(registrations);
    }

    private sealed class Registrations(List<PosixSignalRegistration> all) : IDisposable
    {
        public void Dispose() => all.ForEach(r => r.Dispose());
    }

    private void Post(UiEvent e) => _events.Writer.TryWrite(e);

    private void Info(string text) => Post(new UiEvent(UiEventKind.Line, Line: new DisplayLine(LineKind.Info, $"* {text}")));

    public void OnMessage(in ChatView message) =>
        Post(new UiEvent(UiEventKind.Line, Line: new DisplayLine(message.History ? LineKind.History : LineKind.Message,
            $"{TextSanitizer.Sanitize(Encoding.UTF8.GetString(message.Name))}: {TextSanitizer.Sanitize(Encoding.UTF8.GetString(message.Text))}"
            + (message.History ? $"  (earlier, {DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(message.TimeMs, 0, 253402300799999)).ToLocalTime():HH:mm})" : ""))));

    public void OnLinkOpened(PeerInfo peer) => Post(new UiEvent(UiEventKind.PeersChanged));

    public void OnLinkClosed(PeerInfo peer, string reason)
    {
        Info($"link to {TextSanitizer.Sanitize(peer.Name)} closed ({reason})");
        Post(new UiEvent(UiEventKind.PeersChanged));
    }

    public void OnMemberJoined(MemberInfo member, bool isNew)
    {
        Info($"{TextSanitizer.Sanitize(member.Name)} {(isNew ? "joined" : "is online")}");
        Post(new UiEvent(UiEventKind.PeersChanged));
    }

    public void OnMemberLeft(MemberInfo member, string reason)
    {
        Info($"{TextSanitizer.Sanitize(member.Name)} left ({reason})");
        Post(new UiEvent(UiEventKind.PeersChanged));
    }

    public void OnNotice(string text) => Info(text);
}
