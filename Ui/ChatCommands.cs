// The one table of chat commands: the full-screen UI, line mode and pipe mode run lines through it, :help and Tab
// completion read it. A command is ':' and a lowercase word at the start of a line; anything else (":)", ":D") is a
// message. In pipe mode only the commands made for it are taken, and every other line is sent as written: a script's
// text is not ours to interpret.
using System.Text;

namespace P2PChat.Ui;

internal static class ChatCommands
{
    public static readonly ChatCommand[] All =
    [
        new(":help", [], "", "lists the commands", CommandSurface.Terminal, (host, _) => Help(host)),
        new(":quit", [":q"], "", "leaves the chat (so does Ctrl-D on an empty line)", CommandSurface.Terminal, (host, _) => host.Quit()),
        new(":peers", [":who"], "", "who is online, and who we are linked to", CommandSurface.Terminal, (host, _) =>
        {
            foreach (string report in PeerReport.Lines(host.Node))
                host.Info(report);
        }),
        new(PrivateCommand.Name, [], "NAME text", "says text to NAME alone, end-to-end encrypted (NAME#xxxx where two share a name)",
            CommandSurface.All, Private),
        new(":me", [], "action", "says what you do, shown as \"* you action\"", CommandSurface.Terminal, Action),
        new(":nick", [], "NEW", "takes NEW as your name; everyone sees \"old is now NEW\"", CommandSurface.Terminal, Nick),
        new(":whois", [], "NAME", "the keys behind a name", CommandSurface.Terminal, Whois),
        new(":clear", [], "", "empties the message area", CommandSurface.FullScreen, (host, _) => host.Clear()),
    ];

    /// <summary>Whether TryRun takes <paramref name="line"/> on <paramref name="surface"/> (a command, or there a word
    /// like one that it answers with "unknown command"), without running it.</summary>
    public static bool Handles(string line, CommandSurface surface)
    {
        if (!IsCommandWord(line.Trim(), out string word, out _))
            return false;
        return surface != CommandSurface.PipeMode || Find(word) is { } command && (command.Surfaces & surface) != 0;
    }

    /// <summary>Runs <paramref name="line"/> if it is a command here; false when it is a message to send.</summary>
    public static bool TryRun(string line, ICommandHost host)
    {
        if (!IsCommandWord(line.Trim(), out string word, out string rest))
            return false;
        ChatCommand? command = Find(word);
        if (command is not null && (command.Surfaces & host.Surface) != 0)
        {
            command.Run(host, rest);
            return true;
        }
        if (host.Surface == CommandSurface.PipeMode)
            return false; // as Handles says: a script's line, sent as written
        host.Info(command is null
            ? $"unknown command {TextSanitizer.Sanitize(word)} (:help lists the commands)"
            : $"{word} works in the full-screen UI only");
        return true;
    }

    /// <summary>Every name and alias that works on <paramref name="surface"/>, for Tab completion.</summary>
    public static IReadOnlyList<string> Words(CommandSurface surface) =>
        [.. All.Where(c => (c.Surfaces & surface) != 0).SelectMany(c => c.Aliases.Prepend(c.Name)).Order(StringComparer.Ordinal)];

    public static ChatCommand? Find(string word) => Array.Find(All, c => c.Answers(word));

    /// <summary>":msg NAME text", ":quit or :q": how :help shows a command.</summary>
    public static string Usage(ChatCommand command) =>
        string.Join(" or ", command.Aliases.Prepend(command.Name)) + (command.Arguments.Length > 0 ? " " + command.Arguments : "");

    private static bool IsCommandWord(string line, out string word, out string rest)
    {
        int space = line.IndexOf(' ');
        word = space < 0 ? line : line[..space];
        rest = space < 0 ? "" : line[(space + 1)..].Trim();
        return word.Length > 1 && word[0] == ':' && !word.AsSpan(1).ContainsAnyExceptInRange('a', 'z');
    }

    private static void Help(ICommandHost host)
    {
        foreach (ChatCommand command in All)
            if ((command.Surfaces & host.Surface) != 0)
                host.Info($"{Usage(command)}: {command.Help}");
        host.Info("anything else is sent to everyone");
        if (host.Surface == CommandSurface.FullScreen)
            host.Info("keys: Tab completes names and commands; Up/Down recall earlier lines; PgUp/PgDn (or the wheel) scroll, "
                + "End returns; Ctrl-A/E, Alt-B/F, Ctrl-U/K/W edit; a pasted line is sent as one message per line; Ctrl-Z suspends; Ctrl-C leaves");
    }

    private static void Private(ICommandHost host, string rest)
    {
        string result = PrivateCommand.Run(host.Node, host.Names, rest, host.NowMs, out bool sent);
        if (sent)
            host.ShowOwn(result);
        else
            host.Info(result);
    }

    private static void Action(ICommandHost host, string action)
    {
        if (action.Length == 0)
            host.Info("usage: :me action (shown to everyone as \"* name action\")");
        else if (Encoding.UTF8.GetByteCount(action) > ActionText.MaxBytes)
            host.Info($"not sent: an action is at most {ActionText.MaxBytes} bytes");
        else
            host.SayAction(action);
    }

    private static void Nick(ICommandHost host, string name)
    {
        if (name.Length == 0)
        {
            host.Info("usage: :nick NEW (1-32 bytes, no control characters)");
            return;
        }
        if (host.Node.Rename(name) is { } refused)
        {
            host.Info($"name not changed: {TextSanitizer.Sanitize(refused)}");
            return;
        }
        host.Names?.RenamedSelf(name);
        host.Renamed(name);
        host.Info(EventText.Renamed(name));
    }

    private static void Whois(ICommandHost host, string name)
    {
        if (name.Length == 0)
        {
            host.Info("usage: :whois NAME");
            return;
        }
        if (host.Names is null)
            return;
        foreach (string line in host.Names.Whois(name))
            host.Info(TextSanitizer.Sanitize(line));
    }
}
