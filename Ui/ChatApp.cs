// Chooses the mode: the two-field terminal UI when stdin and stdout are both a terminal (and no --json), pipe
// mode otherwise.
namespace P2PChat.Ui;

internal static class ChatApp
{
    public static Task<int> RunAsync(LaunchOptions options, CancellationToken cancel)
    {
        if (Console.IsInputRedirected || Console.IsOutputRedirected || options.Json)
        {
            var stdin = new StreamReader(Console.OpenStandardInput(), new System.Text.UTF8Encoding(false));
            return new PipeSession(options, stdin, Console.OpenStandardOutput(), Console.Error).RunAsync(cancel);
        }
        return new InteractiveSession(options).RunAsync(cancel);
    }
}
