// Outcome counts of a campaign (how many handshakes opened, how links closed...): coverage-free fuzzing has no
// coverage map, so these say whether the cases reach the states they are meant to reach. The runner prints them.
using System.Collections.Concurrent;

namespace P2PChat.Tests.Fuzz;

internal static class FuzzStats
{
    private static readonly ConcurrentDictionary<string, long> Counts = new();

    public static void Note(string outcome) => Counts.AddOrUpdate(outcome, 1, (_, n) => n + 1);

    /// <summary>The counts so far, and clears them.</summary>
    public static string Take()
    {
        string text = string.Join(", ", Counts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"));
        Counts.Clear();
        return text;
    }
}
