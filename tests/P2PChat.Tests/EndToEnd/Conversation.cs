// Peers that take turns saying numbered lines, each line waited for on every other peer before the next is said:
// every peer then saw the lines in one order, the conversation order, with nothing left to argue about.
namespace P2PChat.Tests.EndToEnd;

internal static class Conversation
{
    /// <summary>Line i (1-based) is said by speakers[(i - 1) % count] as NAME + i ("a1", "b2", "c3", "a4", ...);
    /// returns the lines as the others print them ("a: a1"), in the order said.</summary>
    public static async Task<string[]> TakeTurnsAsync(IReadOnlyList<ChatProcess> speakers, int lines)
    {
        var said = new List<string>();
        for (int i = 1; i <= lines; i++)
        {
            ChatProcess speaker = speakers[(i - 1) % speakers.Count];
            string text = $"{speaker.Name}{i}";
            await speaker.SayAsync(text);
            foreach (ChatProcess other in speakers.Where(p => p != speaker))
                await other.WaitForStdoutAsync($"{speaker.Name}: {text}");
            said.Add($"{speaker.Name}: {text}");
        }
        return [.. said];
    }
}
