// End-to-end: a late joiner's history is the conversation as it happened. Three peers take turns saying 20 lines,
// then d joins one of them with --history 50: d must show the 20 lines in conversation order (marked as history
// where the output format marks it: --json's "history": true; plain lines carry no mark), then live lines after them.
using System.Text.Json;

namespace P2PChat.Tests.EndToEnd;

[NotInParallel("e2e")]
public sealed class HistoryOrderTests
{
    private const int Lines = 20;

    [Test]
    [Arguments("a")]
    [Arguments("b")]
    [Arguments("c")]
    public async Task A_late_joiner_with_history_50_prints_the_twenty_earlier_lines_in_conversation_order_then_a_live_line(string through)
    {
        (ChatProcess[] trio, string[] said) = await StartTrioThatTakesTurnsAsync();
        await using var trioProcesses = new Disposer(trio);
        ChatProcess entry = trio.Single(p => p.Name == through);
        ChatProcess speaker = NextAfter(trio, entry);

        await using ChatProcess d = await ChatProcess.StartPeerAsync("d", entry.Port, "--history", "50");
        await Topology.WaitForLinksAsync([d], 3); // d links to a, b and c: each has answered its SYNC
        string live = $"{speaker.Name} after d joined";
        await speaker.SayAsync(live);
        await d.WaitForStdoutAsync($"{speaker.Name}: {live}");

        // Plain pipe output does not mark history: a history line is `NAME: TEXT` like a live one.
        string[] expected = [.. said, $"{speaker.Name}: {live}"];
        await Assert.That(string.Join('\n', d.Stdout)).IsEqualTo(string.Join('\n', expected))
            .Because($"d joined {through} after the conversation [{string.Join(", ", said)}]; it should print those {Lines} lines "
                + $"in that order, then {speaker.Name}'s live line\nlinks: {Topology.Describe([.. trio, d])}\n{Topology.DescribeAll([.. trio, d])}");
    }

    [Test]
    [Arguments("a")]
    [Arguments("b")]
    [Arguments("c")]
    public async Task With_json_a_late_joiner_marks_the_twenty_earlier_lines_as_history_in_conversation_order_and_the_live_line_not(string through)
    {
        (ChatProcess[] trio, string[] said) = await StartTrioThatTakesTurnsAsync();
        await using var trioProcesses = new Disposer(trio);
        ChatProcess entry = trio.Single(p => p.Name == through);
        ChatProcess speaker = NextAfter(trio, entry);

        await using ChatProcess d = await ChatProcess.StartPeerAsync("d", entry.Port, "--history", "50", "--json");
        await Topology.WaitForLinksAsync([d], 3);
        string live = $"{speaker.Name} after d joined";
        await speaker.SayAsync(live);
        await Wait.UntilAsync(() => d.Stdout.Any(line => line.Contains(live, StringComparison.Ordinal)),
            $"a JSON message event with '{live}' on d's stdout", d.Describe);

        // Each message event as "history NAME: TEXT" or "live NAME: TEXT", so one comparison shows order and marks.
        string[] printed = [.. MessageEvents(d).Select(e => $"{(IsHistory(e) ? "history" : "live")} {e.GetProperty("name").GetString()}: {e.GetProperty("text").GetString()}")];
        string[] expected = [.. said.Select(line => $"history {line}"), $"live {speaker.Name}: {live}"];
        await Assert.That(string.Join('\n', printed)).IsEqualTo(string.Join('\n', expected))
            .Because($"d joined {through} with --json after the conversation [{string.Join(", ", said)}]; it should print those {Lines} "
                + $"lines in that order with \"history\": true, then {speaker.Name}'s live line without it\n"
                + $"links: {Topology.Describe([.. trio, d])}\n{Topology.DescribeAll([.. trio, d])}");
    }

    /// <summary>a; b joining a; c joining b. They say <see cref="Lines"/> lines in turn at once, while a and c may still
    /// be linking to each other (every line is waited for everywhere, so the order is unambiguous all the same).</summary>
    private static async Task<(ChatProcess[] Trio, string[] Said)> StartTrioThatTakesTurnsAsync()
    {
        var trio = new List<ChatProcess>();
        try
        {
            trio.Add(await ChatProcess.StartPeerAsync("a"));
            trio.Add(await ChatProcess.StartPeerAsync("b", trio[0].Port));
            trio.Add(await ChatProcess.StartPeerAsync("c", trio[1].Port));
            string[] said = await Conversation.TakeTurnsAsync(trio, Lines);
            return ([.. trio], said);
        }
        catch
        {
            await new Disposer([.. trio]).DisposeAsync();
            throw;
        }
    }

    /// <summary>The peer after <paramref name="entry"/> in a, b, c (round): someone d did not join through.</summary>
    private static ChatProcess NextAfter(ChatProcess[] trio, ChatProcess entry) => trio[(Array.IndexOf(trio, entry) + 1) % trio.Length];

    private static bool IsHistory(JsonElement message) =>
        message.TryGetProperty("history", out JsonElement history) && history.ValueKind == JsonValueKind.True;

    private static List<JsonElement> MessageEvents(ChatProcess p)
    {
        var events = new List<JsonElement>();
        foreach (string line in p.Stdout)
        {
            try
            {
                using JsonDocument document = JsonDocument.Parse(line);
                if (document.RootElement.GetProperty("event").GetString() == "message")
                    events.Add(document.RootElement.Clone());
            }
            catch (JsonException e)
            {
                throw new InvalidOperationException($"stdout line is not one JSON object ({e.Message}): {line}\n{p.Describe()}", e);
            }
        }
        return events;
    }

    /// <summary>Disposes a group of processes together.</summary>
    private sealed class Disposer(ChatProcess[] processes) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await Task.WhenAll(processes.Select(p => p.DisposeAsync().AsTask()));
    }
}
