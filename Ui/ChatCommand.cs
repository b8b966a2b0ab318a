// One chat command: its name and aliases (with the ':'), what it takes, one line of help, where it works, and what it
// does with the rest of the line (trimmed; "" when nothing follows).
namespace P2PChat.Ui;

internal sealed record ChatCommand(
    string Name,
    string[] Aliases,
    string Arguments,
    string Help,
    CommandSurface Surfaces,
    Action<ICommandHost, string> Run)
{
    public bool Answers(string word) => word == Name || Array.IndexOf(Aliases, word) >= 0;
}
