// The terminal as the full-screen session sees it (PSReadLine's IConsole is the model): the renderer's cell grid
// plus what the session itself needs of the terminal. ConsoleTerminal is the real one; tests hand in a fake.
namespace P2PChat.Ui;

internal interface ISessionTerminal : ITerminal
{
    /// <summary>The size changed (SIGWINCH): raised on any thread.</summary>
    event Action? Resized;

    /// <summary>Whether to colour names and mentions (NO_COLOR unset), and whether the 256-colour palette reads here.</summary>
    bool Colors { get; }

    bool Colors256 { get; }

    /// <summary>Shows the user's own screen again (for a suspend); Enter comes back to ours.</summary>
    void Leave();

    void Enter();
}
