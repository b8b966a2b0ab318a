// Pipe mode (stdin or stdout is not a terminal): every stdin line is one message, every message received is one
// stdout line. Joins happen before the first line is read, so lines piped in at start-up are not lost, and at
// stdin EOF the program leaves only after its peers confirmed they read everything (or a deadline passed).
using System.Text;
using System.Text.Unicode;
using P2PChat.Net;

namespace P2PChat.Ui;

/// <param name="lineMode">A person at a terminal that cannot draw the two fields (TERM=dumb): the terminal's commands
/// work (ChatCommands: :quit, :peers, :help, ...). In pipe mode only :msg is a command.</param>
internal sealed class PipeSession(LaunchOptions options, Stream stdin, Stream stdout, TextWriter stderr, bool lineMode = false)
{
    public async Task<int> RunAsync(CancellationToken cancel)
    {
        // Messages a read brings are written by the socket thread itself when stdout (a pipe or a file) has room for
        // them: one thread wake-up less per hop. Otherwise, and for everything else, by the event thread
        // (Net/Sockets/EventPump.cs). Not for JSON (a line can grow six-fold) nor a terminal (line mode).
        bool inline = !lineMode && !options.Json && Console.IsOutputRedirected;
        (NodeKeys keys, Net.Identity.NameBook names) = options.Identity();
        var writer = new PipeWriter(stdout, stderr, options.Json, room: inline ? new StdoutRoom(1) : null) { Names = names };
        using var node = new ChatNode(options.ToNodeOptions(), writer, keys: keys);
        if (await NodeStarter.StartAsync(node, options, writer.Info, cancel) is { } failure)
        {
            stderr.WriteLine($"p2pchat: {failure}");
            return 1;
        }

        var commands = new PipeCommandHost(new NodeFacade(node), names, writer, lineMode ? CommandSurface.LineMode : CommandSurface.PipeMode);
        try
        {
            // Lines read together are said together: their frames go out in one send per link, when the reader has
            // handed out every buffered line (or waits for room).
            var lines = new LineReader(new ReadThread(stdin, "p2pchat stdin").ReadAsync, beforeRead: node.KickSends);
            while (await lines.NextAsync(cancel))
            {
                if (node.HasBacklog)
                {
                    node.KickSends();
                    await node.WaitForRoomAsync(cancel); // stdin waits for the slowest neighbour; nothing is dropped
                }
                ReadOnlySpan<byte> start = lineMode ? lines.Piece.TrimStart((byte)' ') : lines.Piece;
                if (start is [(byte)':', >= (byte)'a' and <= (byte)'z', ..]
                    && Encoding.UTF8.GetString(lines.Piece) is var line && ChatCommands.Handles(line, commands.Surface))
                {
                    // Lines said before a command go first (a private line keeps its place among ours). Only then: a
                    // paste of lines that merely start with ':' stays batched.
                    node.KickSends();
                    ChatCommands.TryRun(line, commands);
                    if (commands.QuitAsked)
                        break;
                    continue;
                }
                long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                if (Utf8.IsValid(lines.Piece))
                    node.Say(lines.Piece, now, defer: true);
                else
                    foreach (string chunk in TextChunker.Split(Encoding.UTF8.GetString(lines.Piece))) // invalid bytes become U+FFFD
                        node.Say(chunk, now);
            }
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C or SIGTERM: leave as at EOF.
        }
        node.KickSends(); // the last lines, said after the final read

        if (lineMode)
            return await node.LeaveAsync() || node.LastSequence == 0 ? 0 : 1;
        ulong said = node.LastSequence;
        long alone = node.SentWithoutPeers;
        bool confirmed = await node.LeaveAsync();
        if (node.UnreportedDrops is > 0 and long dropped)
            stderr.WriteLine($"p2pchat: {dropped} messages were not shown: stdout was not read fast enough");
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
