// ChatCommands' host in line mode and pipe mode: notices and the echo of a private line go where PipeWriter puts
// notices, on stderr, so that stdout stays messages only.
using P2PChat.Net;
using P2PChat.Net.Identity;

namespace P2PChat.Ui;

internal sealed class PipeCommandHost(ISessionNode node, NameBook? names, PipeWriter writer, CommandSurface surface) : ICommandHost
{
    /// <summary>:quit was typed: the session reads no further.</summary>
    public bool QuitAsked { get; private set; }

    public ISessionNode Node => node;

    public NameBook? Names => names;

    public CommandSurface Surface => surface;

    public void Info(string text) => writer.Info(text);

    public void ShowOwn(string text) => writer.Info(text);

    public long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public void SayAction(string action) => node.Say(ActionText.Make(action), NowMs);

    public void Renamed(string name)
    {
        // Nothing here shows our own name: our lines are not echoed, and notices name the others.
    }

    public void Quit() => QuitAsked = true;

    public void Clear()
    {
        // No message area to empty: :clear is a full-screen command, and ChatCommands says so here.
    }
}
