// Finds the published native p2pchat binary the end-to-end tests run: $P2PCHAT_BIN, else `p2pchat` at the repo
// root (the folder above the test output that holds p2pchat.csproj), which is where ./build.sh puts it.
namespace P2PChat.Tests.EndToEnd;

internal static class NativeBinary
{
    public const string NotFound = "native binary not found: run ./build.sh first (or set P2PCHAT_BIN)";

    private static readonly Lazy<string?> Found = new(Find);

    /// <summary>The binary's full path; throws with <see cref="NotFound"/> when there is none.</summary>
    public static string Path => Found.Value ?? throw new InvalidOperationException(NotFound);

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable("P2PCHAT_BIN") is { Length: > 0 } fromEnvironment && File.Exists(fromEnvironment))
            return System.IO.Path.GetFullPath(fromEnvironment);
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "p2pchat.csproj")))
            {
                string candidate = System.IO.Path.Combine(dir.FullName, "p2pchat");
                return File.Exists(candidate) ? candidate : null;
            }
        }
        return null;
    }
}
