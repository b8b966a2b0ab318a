// Keys where there is no raw terminal (not Linux): Console.ReadKey on a thread of its own, a surrogate pair joined
// into one rune. No paste, wheel or suspend.
using System.Text;

namespace P2PChat.Ui;

internal sealed class ConsoleKeySource : IKeySource
{
    public void Start(Action<InputEvent> onKey, Action onEnd)
    {
        var thread = new Thread(() => Read(onKey, onEnd)) { IsBackground = true, Name = "keys" };
        thread.Start();
    }

    public bool Suspend() => false;

    public void Dispose()
    {
        // The reading thread is a background thread blocked in ReadKey: it ends with the process.
    }

    private static void Read(Action<InputEvent> onKey, Action onEnd)
    {
        char highSurrogate = '\0';
        try
        {
            while (true)
            {
                ConsoleKeyInfo key = Console.ReadKey(intercept: true);
                if (char.IsHighSurrogate(key.KeyChar))
                {
                    highSurrogate = key.KeyChar;
                    continue;
                }
                if (char.IsLowSurrogate(key.KeyChar) && highSurrogate != '\0')
                {
                    onKey(new InputEvent(InputKind.Char, new Rune(highSurrogate, key.KeyChar)));
                    highSurrogate = '\0';
                    continue;
                }
                if (ConsoleKeys.From(key) is { } input)
                    onKey(input);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            onEnd(); // the terminal went away
        }
    }
}
