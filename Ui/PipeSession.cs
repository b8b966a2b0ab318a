// Pipe mode (stdin or stdout is not a terminal): every stdin line is one message, every message received is one
// stdout line. Joins happen before the first line is read, so lines piped in at start-up are not lost, and at
// stdin EOF the program leaves only after its peers confirmed they read everything (or a deadline passed).
using P2PChat.Net;

namespace P2PChat.Ui;

internal sealed class PipeSession(LaunchOptions options, TextReader stdin, Stream stdout, TextWriter stderr)
{
    public async Task<int> RunAsync(CancellationToken cancel)
    {
        var writer = new PipeWriter(stdout, stderr, options.Json);
        using var node = new ChatNode(options.ToNodeOptions(), writer);
        if (await NodeStarter.StartAsync(node, options, writer.Info, cancel) is { } failure)
        {
            stderr.WriteLine($"p2pchat: {failure}");
            return 1;
        }

        try
        {
            while (await stdin.ReadLineAsync(cancel) is { } line)
                foreach (string chunk in TextChunker.Split(line))
                    node.Say(chunk, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C or SIGTERM: leave as at EOF.
        }

        ulong said = node.LastSequence;
        long alone = node.SentWithoutPeers;
        bool confirmed = await node.LeaveAsync();
        if (alone > 0)
        {
            stderr.WriteLine($"p2pchat: {alone} of {said} messages were said while no peer was connected; nobody received them");
            return 1;
        }
        if (!confirmed && said > 0)
        {
            stderr.WriteLine("p2pchat: could not confirm that every peer received all messages before leaving");
            return 1;
        }
        return 0;
    }
}
