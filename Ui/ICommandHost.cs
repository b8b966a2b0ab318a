// What a chat command may do to the session that runs it (ChatCommands): the full-screen UI and the line and pipe
// modes each implement it, so one table of commands serves all three, and unit tests run commands against a fake.
using P2PChat.Net;
using P2PChat.Net.Identity;

namespace P2PChat.Ui;

internal interface ICommandHost
{
    /// <summary>The running node: who is online, private lines, the peer report.</summary>
    ISessionNode Node { get; }

    /// <summary>Names and keys seen, for labels and :whois; null where identities are not kept.</summary>
    NameBook? Names { get; }

    /// <summary>The session's clock, Unix milliseconds: the time a command's line is said with.</summary>
    long NowMs { get; }

    /// <summary>Where the command runs: :help lists what works there.</summary>
    CommandSurface Surface { get; }

    /// <summary>Shows a notice (already safe to print).</summary>
    void Info(string text);

    /// <summary>Shows a line we said, as we said it (already safe to print).</summary>
    void ShowOwn(string text);

    /// <summary>Says an action (:me) to everyone, and shows it as ours where our lines are shown.</summary>
    void SayAction(string action);

    /// <summary>The node took <paramref name="name"/> as ours (:nick): the session shows it from now on.</summary>
    void Renamed(string name);

    void Quit();

    /// <summary>Empties the message area.</summary>
    void Clear();
}
