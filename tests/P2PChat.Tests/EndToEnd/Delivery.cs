// What chat processes said, checked against what the others printed: for every receiver, every line of every other
// sender exactly once and in that sender's order. Counts the lines lost, duplicated and out of order, and names
// them by receiver and sender for failure messages. Texts said through one Delivery must be unique.
using System.Text;

namespace P2PChat.Tests.EndToEnd;

internal sealed class Delivery
{
    private readonly Lock _lock = new();

    // Guarded by _lock: per sender, its texts in the order said.
    private readonly Dictionary<ChatProcess, List<string>> _said = [];

    /// <summary>Says <paramref name="text"/> on <paramref name="sender"/> and records it as expected by the others.</summary>
    public async Task SayAsync(ChatProcess sender, string text)
    {
        lock (_lock)
        {
            if (!_said.TryGetValue(sender, out List<string>? texts))
                _said[sender] = texts = [];
            texts.Add(text);
        }
        await sender.SayAsync(text);
    }

    /// <summary>Checks each of <paramref name="receivers"/> against the lines every other sender said.</summary>
    public DeliveryReport Check(IReadOnlyCollection<ChatProcess> receivers)
    {
        Dictionary<ChatProcess, string[]> said;
        lock (_lock)
            said = _said.ToDictionary(pair => pair.Key, pair => pair.Value.Select(text => $"{pair.Key.Name}: {text}").ToArray());

        int expected = 0, lost = 0, duplicated = 0, outOfOrder = 0, echoed = 0;
        var details = new StringBuilder();
        foreach (ChatProcess receiver in receivers)
        {
            IReadOnlyList<string> printed = receiver.Stdout;
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (string line in printed)
                counts[line] = counts.GetValueOrDefault(line) + 1;
            foreach ((ChatProcess sender, string[] lines) in said)
            {
                if (sender == receiver)
                {
                    string[] back = [.. lines.Where(counts.ContainsKey)];
                    echoed += back.Length;
                    if (back.Length > 0)
                        details.Append($"\n  {receiver.Label} printed its own lines: {Join(back)}");
                    continue;
                }
                expected += lines.Length;
                string[] missing = [.. lines.Where(line => !counts.ContainsKey(line))];
                string[] twice = [.. lines.Where(line => counts.GetValueOrDefault(line) > 1)];
                lost += missing.Length;
                duplicated += twice.Sum(line => counts[line] - 1);
                var mine = new HashSet<string>(lines, StringComparer.Ordinal);
                string[] order = [.. printed.Where(mine.Contains).Distinct(StringComparer.Ordinal)];
                bool inOrder = order.SequenceEqual(lines.Where(counts.ContainsKey));
                if (!inOrder)
                    outOfOrder++;
                if (missing.Length > 0)
                    details.Append($"\n  {receiver.Label} lacks from {sender.Label}: {Join(missing)}");
                if (twice.Length > 0)
                    details.Append($"\n  {receiver.Label} printed more than once from {sender.Label}: {Join(twice)}");
                if (!inOrder)
                    details.Append($"\n  {receiver.Label} printed {sender.Label}'s lines out of order: {Join(order)}");
            }
        }
        return new DeliveryReport(expected, lost, duplicated, outOfOrder, echoed, details.ToString());
    }

    /// <summary>Waits until each of <paramref name="receivers"/> has printed every line the others said (duplicates
    /// and order are for <see cref="Check"/> afterwards); on timeout says what is missing where.</summary>
    public Task WaitUntilAllArrivedAsync(IReadOnlyCollection<ChatProcess> receivers, string expected, TimeSpan timeout) =>
        Wait.UntilAsync(() => Check(receivers).AllArrived, expected,
            () => $"{Check(receivers)}\nlinks: {Topology.Describe(receivers)}\n{Topology.DescribeAll(receivers)}", timeout);

    /// <summary>Lines <paramref name="process"/> printed on stdout more than once, whoever said them.</summary>
    public static string[] RepeatedLines(ChatProcess process) =>
        [.. process.Stdout.GroupBy(line => line, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => $"{g.Key} (x{g.Count()})")];

    private static string Join(IEnumerable<string> lines) => "[" + string.Join(", ", lines.Select(l => $"'{l}'")) + "]";
}

/// <summary>Expected: lines the receivers should print, summed over receivers. OutOfOrder: (receiver, sender) pairs
/// whose lines were printed in another order than said. Echoed: lines a sender printed of its own.</summary>
internal sealed record DeliveryReport(int Expected, int Lost, int Duplicated, int OutOfOrder, int Echoed, string Details)
{
    public bool AllArrived => Lost == 0;

    public bool IsExact => Lost == 0 && Duplicated == 0 && OutOfOrder == 0 && Echoed == 0;

    public string Summary => $"expected={Expected} lost={Lost} duplicated={Duplicated} out-of-order={OutOfOrder} echoed={Echoed}";

    public override string ToString() => Summary + Details;
}
