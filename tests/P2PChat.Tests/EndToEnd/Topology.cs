// The shape of a network of chat processes as their stderr tells it (who joined, who left): to wait until links
// have settled, to print the shape a fault hit, and to count the pieces a fault split it into.
namespace P2PChat.Tests.EndToEnd;

internal static class Topology
{
    /// <summary>"a: b c | b: a | c: a".</summary>
    public static string Describe(IEnumerable<ChatProcess> peers) =>
        string.Join(" | ", peers.Select(p => $"{p.Name}: {string.Join(' ', p.Neighbours.Order(StringComparer.Ordinal))}"));

    /// <summary>Every process's output, for failure messages.</summary>
    public static string DescribeAll(IEnumerable<ChatProcess> peers) =>
        string.Join('\n', peers.Select(p => p.Describe()));

    /// <summary>Waits until each of <paramref name="peers"/> has links to at least <paramref name="atLeast"/> others:
    /// with `--links N` a node keeps connecting until it has N, so this is when the shape stops changing.</summary>
    public static Task WaitForLinksAsync(IReadOnlyCollection<ChatProcess> peers, int atLeast, TimeSpan? timeout = null) =>
        Wait.UntilAsync(() => peers.All(p => p.Neighbours.Count >= atLeast),
            $"every peer to be linked to at least {atLeast} others", () => $"links: {Describe(peers)}\n{DescribeAll(peers)}", timeout);

    /// <summary>How many connected pieces <paramref name="peers"/> form over the links they report, ignoring links
    /// to anyone not among them.</summary>
    public static int Pieces(IReadOnlyCollection<ChatProcess> peers)
    {
        var names = peers.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var edges = names.ToDictionary(n => n, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (ChatProcess p in peers)
            foreach (string other in p.Neighbours.Where(names.Contains))
            {
                edges[p.Name].Add(other);
                edges[other].Add(p.Name);
            }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int pieces = 0;
        foreach (string start in names)
        {
            if (!seen.Add(start))
                continue;
            pieces++;
            var todo = new Stack<string>([start]);
            while (todo.TryPop(out string? node))
                foreach (string next in edges[node])
                    if (seen.Add(next))
                        todo.Push(next);
        }
        return pieces;
    }
}
