// The two-field terminal UI of the lab: messages above, input below, plus a status bar. One loop owns the screen:
// keys (from the key source's thread), network events (from the node's event thread), resizes and a quit are posted to
// one channel; the loop applies them all and then renders once, so a burst of events costs one frame. Everything it
// touches is handed in (the node, the terminal, the keys, the clock: ChatApp gives the real ones), so unit tests run
// whole sessions against fakes.
using System.Text;
using System.Threading.Channels;
using P2PChat.Net;
using P2PChat.Net.Identity;

namespace P2PChat.Ui;

/// <param name="name">Ours, as given on the command line.</param>
/// <param name="names">Names and keys seen (labels, trust notices, :whois); null where identities are not kept.</param>
/// <param name="clock">Times shown beside lines and sent with them, and the frame pacing.</param>
internal sealed class InteractiveSession(string name, NameBook? names, TimeProvider clock) : IChatSink, ICommandHost
{
    /// <summary>At most this many frames a second: a burst of messages is coalesced, typing stays responsive.</summary>
    public static readonly TimeSpan FrameInterval = TimeSpan.FromMilliseconds(16);

    private readonly Channel<UiEvent> _events = Channel.CreateUnbounded<UiEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ChatScreen _screen = new();
    private string _name = TextSanitizer.Sanitize(name); // ours as shown: own lines, the status bar, @mentions
    private ISessionNode? _node;
    private bool _quit;

    /// <summary>Runs the UI until the user quits, input ends (the terminal went away) or <paramref name="cancel"/> (a
    /// signal). The caller has started the node and set up the terminal; it gives the user's screen back and then
    /// leaves the network (a leave waits for the neighbours, which the user should not watch on a frozen screen).</summary>
    public async Task<int> RunAsync(ISessionNode node, ISessionTerminal terminal, IKeySource keys, CancellationToken cancel)
    {
        _node = node;
        var renderer = new ScreenRenderer(terminal, terminal.Colors, terminal.Colors256);
        var editor = new InputEditor(_screen, Names, () => renderer.ViewRows, renderer.RowsOf);
        editor.Entered += Submit;
        Action onResize = () => Post(new UiEvent(UiEventKind.Resize));
        terminal.Resized += onResize;
        try
        {
            keys.Start(key => Post(new UiEvent(UiEventKind.Key, key)), () => Post(new UiEvent(UiEventKind.Quit)));
            UpdateStatus();
            renderer.Render(_screen);
            long lastRender = clock.GetTimestamp();
            using CancellationTokenRegistration onCancel = cancel.Register(() => Post(new UiEvent(UiEventKind.Quit)));
            while (!_quit && await _events.Reader.WaitToReadAsync(CancellationToken.None))
            {
                ApplyPending(editor, renderer, terminal, keys);
                if (_quit)
                    break;
                // Bound the frame rate: wait out the rest of the frame interval, taking in whatever arrives meanwhile.
                TimeSpan wait = FrameInterval - clock.GetElapsedTime(lastRender);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, clock);
                    ApplyPending(editor, renderer, terminal, keys);
                }
                if (!_quit)
                {
                    renderer.Render(_screen);
                    lastRender = clock.GetTimestamp();
                }
            }
        }
        finally
        {
            terminal.Resized -= onResize;
        }
        return 0;
    }

    private void ApplyPending(InputEditor editor, ScreenRenderer renderer, ISessionTerminal terminal, IKeySource keys)
    {
        while (!_quit && _events.Reader.TryRead(out UiEvent e))
            Apply(e, editor, renderer, terminal, keys);
    }

    private void Apply(UiEvent e, InputEditor editor, ScreenRenderer renderer, ISessionTerminal terminal, IKeySource keys)
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
                    Suspend(terminal, renderer, keys);
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
    /// a few seconds, and they are made again after fg. Where the keys cannot suspend (not Linux), nothing happens.</summary>
    private static void Suspend(ISessionTerminal terminal, ScreenRenderer renderer, IKeySource keys)
    {
        terminal.Leave();
        keys.Suspend();
        terminal.Enter();
        renderer.Invalidate();
    }

    /// <summary>Names Tab completes: everyone online, and us.</summary>
    private IReadOnlyList<string> Names() => [_name, .. _node?.Members().Select(m => m.Name) ?? []];

    ISessionNode ICommandHost.Node => _node!;

    NameBook? ICommandHost.Names => names;

    CommandSurface ICommandHost.Surface => CommandSurface.FullScreen;

    long ICommandHost.NowMs => NowMs;

    private long NowMs => clock.GetUtcNow().ToUnixTimeMilliseconds();

    void ICommandHost.Info(string text) => Info(text);

    void ICommandHost.ShowOwn(string text) => ShowOwn(text);

    void ICommandHost.SayAction(string action)
    {
        _node!.Say(ActionText.Make(action), NowMs);
        ShowOwn(TextSanitizer.Sanitize(action), action: true);
    }

    void ICommandHost.Renamed(string newName)
    {
        _name = TextSanitizer.Sanitize(newName);
        UpdateStatus();
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
            _node!.Say(chunk, NowMs);
            ShowOwn(TextSanitizer.Sanitize(chunk));
        }
    }

    /// <summary>A line we said (already safe to print), as the message area shows it.</summary>
    private void ShowOwn(string text, bool action = false) =>
        _screen.Add(new DisplayLine(LineKind.Own, text, _name, Clock(clock.GetLocalNow()), Action: action));

    private static string Clock(DateTimeOffset time) => time.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    private void UpdateStatus()
    {
        int peers = _node?.DirectPeerCount ?? 0;
        int online = (_node?.Members().Count ?? 0) + 1;
        _screen.Status = $" {_name} | listening on {_node?.ListenDescription} | {online} online, "
            + $"{peers} peer{(peers == 1 ? "" : "s")} connected | :help";
    }

    private void Post(UiEvent e) => _events.Writer.TryWrite(e);

    /// <summary>What was posted for the UI loop: tests read what a network event becomes without running the loop.</summary>
    internal ChannelReader<UiEvent> Posted => _events.Reader;

    /// <summary>A name as shown (with a fingerprint where keys share a look-alike name), and a trust warning said once.</summary>
    private string Shown(string name, ReadOnlySpan<byte> key) => names?.Shown(name, key, Warn) ?? name;

    private void Warn(string notice) => Info(TextSanitizer.Sanitize(notice));

    /// <summary>A notice for the message area (already safe to print), from any thread.</summary>
    public void Info(string text) => Post(new UiEvent(UiEventKind.Line, Line: new DisplayLine(LineKind.Info, $"* {text}", Time: Clock(clock.GetLocalNow()))));

    public void OnMessage(in ChatView message)
    {
        bool action = ActionText.TryGet(message.Text, out ReadOnlySpan<byte> acted);
        string text = TextSanitizer.Sanitize(Encoding.UTF8.GetString(action ? acted : message.Text));
        if (message.Private)
            text = "(private) " + text;
        // History shows when it was said (the sender's clock); a live line when it arrived (ours).
        string time = Clock(message.History ? TimeZoneInfo.ConvertTime(MessageTime.Of(message.TimeMs), clock.LocalTimeZone) : clock.GetLocalNow());
        string? notice = null;
        string label = names?.Label(message.Name, message.Key, out notice) ?? Encoding.UTF8.GetString(message.Name);
        if (notice is not null)
            Warn(notice);
        Post(new UiEvent(UiEventKind.Line, Line: new DisplayLine(message.History ? LineKind.History : LineKind.Message, text,
            TextSanitizer.Sanitize(label), time, Mention: !message.History && Mentions(text, _name), Action: action)));
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
        Info(EventText.MemberJoined(Shown(member.Name, member.Key.Span), isNew));
        Post(new UiEvent(UiEventKind.PeersChanged));
    }

    public void OnMemberLeft(MemberInfo member, Departure reason)
    {
        Info(EventText.MemberLeft(Shown(member.Name, member.Key.Span), reason));
        Post(new UiEvent(UiEventKind.PeersChanged));
    }

    public void OnMemberRenamed(MemberInfo member, string before)
    {
        Info(EventText.MemberRenamed(before, Shown(member.Name, member.Key.Span)));
        Post(new UiEvent(UiEventKind.PeersChanged));
    }

    public void OnLinesLost(LostLines lost) => Info(LossNotice.Text(lost, lost.Senders > 1 ? "" : Shown(lost.Name, lost.Key)));

    public void OnNotice(string text) => Info(text);
}
