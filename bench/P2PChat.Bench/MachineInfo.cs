// What the numbers were measured on, for the report header: cores, CPU model, kernel, load.
namespace P2PChat.Bench;

internal static class MachineInfo
{
    public static string Describe()
    {
        string cpu = ReadOr("/proc/cpuinfo", "?").Split('\n')
            .FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        string kernel = ReadOr("/proc/sys/kernel/osrelease", "?").Trim();
        return $"nproc {Environment.ProcessorCount}, {cpu}, Linux {kernel}";
    }

    /// <summary>The 1, 5 and 15 minute load averages: a busy machine shows here, and in noisy figures.</summary>
    public static string LoadAverage() => string.Join(' ', ReadOr("/proc/loadavg", "? ? ?").Split(' ').Take(3));

    private static string ReadOr(string path, string fallback)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return fallback;
        }
    }
}
