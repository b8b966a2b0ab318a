// Where the full-screen session's keys come from: the raw terminal on Linux (RawKeySource), Console.ReadKey elsewhere
// (ConsoleKeySource), a script of keys in tests.
namespace P2PChat.Ui;

internal interface IKeySource : IDisposable
{
    /// <summary>Begins reading: <paramref name="onKey"/> for each key, paste or wheel event, <paramref name="onEnd"/>
    /// once when input ends (the terminal went away). Both are called on the source's own thread.</summary>
    void Start(Action<InputEvent> onKey, Action onEnd);

    /// <summary>Ctrl-Z: hands the terminal back in its own mode, stops the process until it is continued, then takes
    /// the terminal again. False, having done nothing, where there is no job control to stop for.</summary>
    bool Suspend();
}
