// The two-field terminal UI of the lab: messages above, input below, plus a status bar. One loop owns the screen:
// keys (from a reader thread), network events (from socket threads) and signals are posted to one channel, the
// loop applies them all and then renders once, so a burst of events costs one frame.
using System.Runtime.InteropServices;
using System.Text;
using System.Threading.Channels;
using P2PChat.Net;

namespace P2PChat.Ui;

internal sealed class InteractiveSession(LaunchOptions options) : IChatSink, ICommandHost
{
    /// <summary>At most this many frames a second: a burst of messages is coalesced, typing stays responsive.</summary>
    private static readonly TimeSpan FrameInterval = TimeSpan.FromMilliseconds(16);

    private readonly Channel<UiEvent> _events = Channel.CreateUnbounded<UiEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ChatScreen _screen = new();
    private readonly string _name = TextSanitizer.Sanitize(options.Name);
    private ChatNode? _node;
    private Net.Identity.NameBook? _names;
    private char _highSurrogate;
    private bool _quit;
    private RawTerminal? _raw; // Linux only: what Ctrl-Z suspends

    public async Task<int> RunAsync(CancellationToken cancel)
    {
        (NodeKeys keys, _names) = options.Identity();
        using var node = new ChatNode(options.ToNodeOptions(), this, keys: keys);
        _node = node;
        // Listen and join before taking over the screen, so a failure is one plain line on stderr.
        if (await NodeStarter.StartAsync(node, options, text => Info(text), cancel) is { } failure)
        {
            await Console.Error.WriteLineAsync($"p2pchat: {failure}");
            return 1;
        }

        using (var terminal = new ConsoleTerminal())
        using (RegisterSignals())
        using (StartKeyReader())
        {
            var renderer = new ScreenRenderer(terminal, colors: Environment.GetEnvironmentVariable("NO_COLOR") is null or "",
                colors256: ScreenRenderer.Has256Colors(Environment.GetEnvironmentVariable("TERM"), Environment.GetEnvironmentVariable("COLORTERM")));
            var editor = new InputEditor(_screen, Names, () => renderer.ViewRows, renderer.RowsOf);
            editor.Entered += Submit;
            UpdateStatus();
            renderer.Render(_screen);
            var sinceRender = System.Diagnostics.Stopwatch.StartNew();
            using CancellationTokenRegistration onCancel = cancel.Register(() => Post(new UiEvent(UiEventKind.Quit)));
            while (!_quit && await _events.Reader.WaitToReadAsync(CancellationToken.None))
            {
                while (!_quit && _events.Reader.TryRead(out UiEvent e))
                    Apply(e, editor, renderer, terminal);
                if (_quit)
                    break;
                // Bound the frame rate: wait out the rest of the frame interval, taking in whatever arrives meanwhile.
                TimeSpan wait = FrameInterval - sinceRender.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                    while (!_quit && _events.Reader.TryRead(out UiEvent e))
                        Apply(e, editor, renderer, terminal);
                }
                if (!_quit)
                {
                    renderer.Render(_screen);
                    sinceRender.Restart();
                }
            }
        }
        await node.LeaveAsync();
        return 0;
    }

    private void Apply(UiEvent e, InputEditor editor, ScreenRenderer renderer, ConsoleTerminal terminal)
    {
        switch (e.Kind)
        {
            case UiEventKind.Key:
                EditorResult result = editor.Apply(e.Key);
                if (result == EditorResult.Quit)
                    _quit = true;
                else if (result == EditorResult.Redraw)
                    renderer.Invalidate();
                else if (result == EditorResult.Suspend)
                    Suspend(terminal, renderer);
                break;
            case UiEventKind.Line:
                _screen.Add(e.Line);
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

    /// <summary>Ctrl-Z: the user's screen and cooked mode back, the process stopped until fg (or bg then fg), then our
    /// screen again, redrawn whole. The network stops with the process: neighbours may close their links to it after
    /// a few seconds, and they are made again after fg. Where there is no raw terminal (not Linux), nothing happens.</summary>
    private void Suspend(ConsoleTerminal terminal, ScreenRenderer renderer)
    {
        if (_raw is null)
            return;
        terminal.Leave();
        _raw.Suspend();
        terminal.Enter();
        renderer.Invalidate();
    }

    /// <summary>Names Tab completes: everyone online, and us.</summary>
    private IReadOnlyList<string> Names() => [options.Name, .. _node?.Members().Select(m => m.Name) ?? []];

    ChatNode ICommandHost.Node => _node!;

    Net.Identity.NameBook? ICommandHost.Names => _names;

    CommandSurface ICommandHost.Surface => CommandSurface.FullScreen;

    void ICommandHost.Info(string text) => Info(text);

    void ICommandHost.ShowOwn(string text) => ShowOwn(text);

    void ICommandHost.SayAction(string action)
    {
        _node!.Say(ActionText.Make(action), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        ShowOwn(TextSanitizer.Sanitize(action), action: true);
    }

    void ICommandHost.Quit() => _quit = true;

    void ICommandHost.Clear() => _screen.Clear();

    /// <summary>A line the user entered: a command (ChatCommands) or a message for everyone.</summary>
    private void Submit(string line)
    {
        if (ChatCommands.TryRun(line, this))
            return;
        foreach (string chunk in TextChunker.Split(line))
        {
            _node!.Say(chunk, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            ShowOwn(TextSanitizer.Sanitize(chunk));
        }
    }

    /// <summary>A line we said (already safe to print), as the message area shows it.</summary>
    private void ShowOwn(string text, bool action = false) =>
        _screen.Add(new DisplayLine(LineKind.Own, text, _name, Now(), Action: action));

    private static string Now() => DateTime.Now.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    private void UpdateStatus()
    {
        int peers = _node?.DirectPeerCount ?? 0;
        int online = (_node?.Members().Count ?? 0) + 1;
        _screen.Status = $" {_name} | listening on {NodeStarter.ListenDescription(_node!)} | {online} online, "
            + $"{peers} peer{(peers == 1 ? "" : "s")} connected | :help";
    }

    /// <summary>Raw terminal input on Linux (bracketed paste, Alt keys, the mouse wheel with P2PCHAT_MOUSE=1: wheel
    /// reports take the terminal's own text selection away, so they are opt-in); Console.ReadKey elsewhere.</summary>
    private IDisposable StartKeyReader()
    {
        if (OperatingSystem.IsLinux())
        {
            var raw = new RawTerminal(mouseWheel: Environment.GetEnvironmentVariable("P2PCHAT_MOUSE") == "1");
            _raw = raw;
            var reader = new KeyReader(input => Post(new UiEvent(UiEventKind.Key, input)), () => Post(new UiEvent(UiEventKind.Quit)));
            reader.Start();
            return new Registrations([], reader, raw);
        }
        var thread = new Thread(ReadConsoleKeys) { IsBackground = true, Name = "keys" };
        thread.Start();
        return new Registrations([]);
    }

    private void ReadConsoleKeys()
    {
        try
        {
            while (true)
            {
                ConsoleKeyInfo key = Console.ReadKey(intercept: true);
                if (char.IsHighSurrogate(key.KeyChar))
                {
                    _highSurrogate = key.KeyChar;
                    continue;
                }
                if (char.IsLowSurrogate(key.KeyChar) && _highSurrogate != 0)
                {
                    Post(new UiEvent(UiEventKind.Key, new InputEvent(InputKind.Char, new Rune(_highSurrogate, key.KeyChar))));
                    _highSurrogate = '\0';
                    continue;
                }
                if (ConsoleKeys.From(key) is { } input)
                    Post(new UiEvent(UiEventKind.Key, input));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            Post(new UiEvent(UiEventKind.Quit)); // the terminal went away
        }
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

    private sealed class Registrations(List<PosixSignalRegistration> all, params IDisposable[] others) : IDisposable
    {
        public void Dispose()
        {
            all.ForEach(r => r.Dispose());
            foreach (IDisposable other in others)
                other.Dispose();
        }
    }

    private void Post(UiEvent e) => _events.Writer.TryWrite(e);

    /// <summary>What was posted for the UI loop: tests read what a network event becomes without running the loop.</summary>
    internal ChannelReader<UiEvent> Posted => _events.Reader;

    /// <summary>A name as shown (with a fingerprint where keys share a look-alike name), and a trust warning said once.</summary>
    private string Shown(string name, byte[] key) => _names?.Shown(name, key, Warn) ?? name;

    private void Warn(string notice) => Info(TextSanitizer.Sanitize(notice));

    private void Info(string text) => Post(new UiEvent(UiEventKind.Line, Line: new DisplayLine(LineKind.Info, $"* {text}", Time: Now())));

    public void OnMessage(in ChatView message)
    {
        bool action = ActionText.TryGet(message.Text, out ReadOnlySpan<byte> acted);
        string text = TextSanitizer.Sanitize(Encoding.UTF8.GetString(action ? acted : message.Text));
        if (message.Private)
            text = "(private) " + text;
        // History shows when it was said (the sender's clock); a live line when it arrived (ours).
        string time = message.History
            ? MessageTime.Of(message.TimeMs).ToLocalTime()
                .ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)
            : Now();
        string? notice = null;
        string name = _names?.Label(message.Name, message.Key, out notice) ?? Encoding.UTF8.GetString(message.Name);
        if (notice is not null)
            Warn(notice);
        Post(new UiEvent(UiEventKind.Line, Line: new DisplayLine(message.History ? LineKind.History : LineKind.Message, text,
            TextSanitizer.Sanitize(name), time, Mention: !message.History && Mentions(text, _name), Action: action)));
    }

    /// <summary>True when <paramref name="text"/> has "@name" as a word (any case), not inside an address.</summary>
    internal static bool Mentions(string text, string name)
    {
        for (int at = text.IndexOf('@'); at >= 0; at = text.IndexOf('@', at + 1))
        {
            int end = at + 1 + name.Length;
            if ((at == 0 || !char.IsLetterOrDigit(text[at - 1])) && end <= text.Length && string.Compare(text, at + 1, name, 0, name.Length, StringComparison.OrdinalIgnoreCase) == 0
                && (end == text.Length || !char.IsLetterOrDigit(text[end])))
                return true;
        }
        return false;
    }

    public void OnLinkOpened(PeerInfo peer) => Post(new UiEvent(UiEventKind.PeersChanged));

    public void OnLinkClosed(PeerInfo peer, LinkClose reason)
    {
        Info(EventText.LinkClosed(Shown(peer.Name, peer.Key), reason));
        Post(new UiEvent(UiEventKind.PeersChanged));
    }

    public void OnMemberJoined(MemberInfo member, bool isNew)
    {
        Info(EventText.MemberJoined(Shown(member.Name, member.Key), isNew));
        Post(new UiEvent(UiEventKind.PeersChanged));
    }

    public void OnMemberLeft(MemberInfo member, Departure reason)
    {
        Info(EventText.MemberLeft(Shown(member.Name, member.Key), reason));
        Post(new UiEvent(UiEventKind.PeersChanged));
    }

    public void OnLinesLost(LostLines lost) => Info(LossNotice.Text(lost, lost.Senders > 1 ? "" : Shown(lost.Name, lost.Key)));

    public void OnNotice(string text) => Info(text);
}
