// Chooses the mode: the two-field terminal UI when stdin and stdout are both a terminal (and no --json), pipe
// mode otherwise, and plain line mode on a terminal that cannot position the cursor (TERM unset, dumb or unknown).
namespace P2PChat.Ui;

internal static class ChatApp
{
    public static Task<int> RunAsync(LaunchOptions options, CancellationToken cancel)
    {
        if (Console.IsInputRedirected || Console.IsOutputRedirected || options.Json)
        {
            return new PipeSession(options, Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.Error).RunAsync(cancel);
        }
        if (!CanDrawScreen(Environment.GetEnvironmentVariable("TERM")))
        {
            return new PipeSession(options, Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.Error, lineMode: true).RunAsync(cancel);
        }
        return new InteractiveSession(options).RunAsync(cancel);
    }

    /// <summary>False for terminals known not to understand cursor movement (and for no TERM at all).</summary>
    internal static bool CanDrawScreen(string? term) => term is { Length: > 0 } && term is not ("dumb" or "unknown" or "emacs");
}
