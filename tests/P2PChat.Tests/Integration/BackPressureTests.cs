// A member flooding the room as fast as its socket takes lines, against a node in the middle (n0 - n1 - n2, the
// flooder linked to n1): n1 must pace the flood to what its slowest neighbour takes (holding the flooder's reads),
// never pile it up until that neighbour is cut as "not reading", and the others' lines must keep arriving.
using System.Text;
using P2PChat.Net;

namespace P2PChat.Tests;

[ParallelLimiter<IntegrationParallelLimit>]
public class BackPressureTests
{
    private const int Victim = 1;

    /// <summary>n1 keeps at most 1 MiB for a neighbour (4 MiB by default), so a flood that is not paced overflows it
    /// well within the test.</summary>
    private static async Task<TestNetwork> LineOfThree(Func<NodeOptions, NodeOptions>? victim = null)
    {
        TestNetwork network = TestNetwork.Start(3, (i, options) => i == Victim ? (victim ?? (o => o))(options with { MaxQueueBytes = 1024 * 1024 }) : options);
        try
        {
            await network.ConnectAll([(0, 1), (2, 1)]);
        }
        catch
        {
            network.Dispose();
            throw;
        }
        return network;
    }

    /// <summary>Sends <paramref name="lines"/> lines signed by the flooder's own key in batches of
    /// <paramref name="batch"/> (one signature each), packed into full records, as fast as the socket takes them.</summary>
    private static async Task FloodAsync(RawPeer flooder, SecurePeer session, int lines, int batch, CancellationToken cancel)
    {
        var record = new byte[Protocol.MaxRecordPlaintext];
        var frame = new byte[Protocol.MaxFrameSize + 64];
        int used = 0;
        ulong seq = 0;
        byte[] name = Encoding.UTF8.GetBytes("flood");
        while (seq < (ulong)lines && !cancel.IsCancellationRequested)
        {
            var signer = new LineSigner(session.Keys, new SelfName(name));
            int count = Math.Min(batch, lines - (int)seq);
            for (int i = 0; i < count; i++)
                signer.Add(new MessageId(session.Keys.NodeId, ++seq), TestNetwork.Now, Encoding.ASCII.GetBytes($"flood {seq} {new string('x', 200)}"));
            signer.Sign();
            for (int i = 0; i < count; i++)
            {
                int size = signer.WriteFrame(i, frame, out _);
                if (used + size > record.Length)
                {
                    await flooder.SendAsync(session.Seal(record.AsSpan(0, used)));
                    used = 0;
                }
                frame.AsSpan(0, size).CopyTo(record.AsSpan(used));
                used += size;
            }
        }
        if (used > 0)
            await flooder.SendAsync(session.Seal(record.AsSpan(0, used)));
    }

    /// <summary>A PING every 500 ms until cancelled (the session is the caller's alone by then).</summary>
    private static async Task PingAsync(RawPeer peer, SecurePeer session, CancellationToken cancel)
    {
        while (!cancel.IsCancellationRequested)
        {
            await peer.SendAsync(session.Seal(DialBench.Ping));
            try
            {
                await Task.Delay(500, cancel);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static string Summary(TestNetwork network) => string.Join("; ", network.Sinks.Select(s =>
        $"{s.Owner}: {s.MessageCount} messages, left [{string.Join(", ", s.Left)}], notices [{string.Join(", ", s.Notices)}]"));

    /// <summary>Every node's links, queues and holds: where a stalled flood is stuck.</summary>
    private static string FlowStates(TestNetwork network) => string.Join("\n", network.Nodes.Select(n => n.FlowState()));

    private static int FloodLinesAt(RecordingSink sink) => sink.Messages.Count(m => m.StartsWith("flood: flood ", StringComparison.Ordinal));

    [Test]
    public async Task A_flood_is_paced_by_a_neighbour_that_falls_behind_and_nobody_is_cut()
    {
        using TestNetwork network = await LineOfThree();
        ChatNode victim = network.Nodes[Victim];
        using RawPeer flooder = await RawPeer.ConnectAsync(victim.ListenEndPoint);
        SecurePeer session = await flooder.HandshakeAsync("flood");
        const int lines = 40_000; // about 10 MiB: ten times what n1 may keep for n2

        // n2 stops reading (SIGSTOP) while the flood runs; n1 must hold the flooder rather than queue it all for n2.
        network.Nodes[2].Pause();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Task flood = Task.Run(() => FloodAsync(flooder, session, lines, Protocol.MaxBatchLines, cancel.Token));
        try
        {
            await Eventually.WaitUntil(() => victim.CongestionHolds > 0, TimeSpan.FromSeconds(10),
                "n1 to hold the flooder's reads while n2 is stopped", () => Summary(network));
        }
        finally
        {
            network.Nodes[2].Resume();
        }
        try
        {
            await flood.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or TimeoutException)
        {
            throw new InvalidOperationException($"the flood stopped: {e.Message}\n{Summary(network)}\n{FlowStates(network)}", e);
        }

        // The flooder has said all it will: it pings from now on, as a live peer would, or n1 rightly cuts it as
        // silent (~3 s) while n0 and n2 still catch up (under a loaded machine the catching up took longer than that).
        using var alive = new CancellationTokenSource();
        Task pinging = PingAsync(flooder, session, alive.Token);
        await Eventually.WaitUntil(() => FloodLinesAt(network.Sinks[2]) == lines && FloodLinesAt(network.Sinks[0]) == lines,
            TimeSpan.FromSeconds(60), $"n0 and n2 to show all {lines} flood lines",
            () => $"n0 {FloodLinesAt(network.Sinks[0])}, n2 {FloodLinesAt(network.Sinks[2])}\n{FlowStates(network)}");
        foreach (int honest in new[] { 0, 2 })
        {
            await Assert.That(network.Sinks[honest].Left).IsEmpty().Because(network.Sinks[honest].ToString());
            await Assert.That(network.Sinks[Victim].Notices.Any(n => n.Contains("not reading"))).IsFalse();
        }
        await Assert.That(victim.DirectPeerCount).IsEqualTo(3).Because(FlowStates(network));
        alive.Cancel();
        await pinging;
        await Assert.That(await network.EveryoneSaysOneMessage("after the flood", speakers: [0, 2], listeners: [0, 2])).IsEmpty();
    }

    /// <summary><paramref name="lines"/> lines by <paramref name="author"/>, <paramref name="batch"/> to a signature.</summary>
    private static byte[][] Signed(NodeKeys author, int lines, int batch)
    {
        var frames = new List<byte[]>();
        var frame = new byte[Protocol.MaxFrameSize + 64];
        byte[] name = Encoding.UTF8.GetBytes("flood");
        for (int first = 1; first <= lines; first += batch)
        {
            var signer = new LineSigner(author, new SelfName(name));
            int count = Math.Min(batch, lines - first + 1);
            for (int i = 0; i < count; i++)
                signer.Add(new MessageId(author.NodeId, (ulong)(first + i)), TestNetwork.Now, Encoding.ASCII.GetBytes($"flood {first + i}"));
            signer.Sign();
            for (int i = 0; i < count; i++)
                frames.Add(frame[..signer.WriteFrame(i, frame, out _)]);
        }
        return [.. frames];
    }

    [Test]
    [Arguments(1, 600)]      // every line its own signature: the signature budget (200 checks a second here) binds
    [Arguments(128, 3000)]   // batches of 128: the line budget (1,000 lines a second here) binds
    public async Task A_flood_past_the_links_budget_is_held_while_others_talk_and_their_lines_go_ahead(int batch, int lines)
    {
        // Budgets below the defaults (200 checks, 1,000 lines a second), so a few seconds' worth is quick to make.
        using TestNetwork network = await LineOfThree(options => options with { VerifyRate = 200, LineRate = 1000, VerifyBurst = 100 });
        ChatNode victim = network.Nodes[Victim];
        using RawPeer flooder = await RawPeer.ConnectAsync(victim.ListenEndPoint);
        SecurePeer session = await flooder.HandshakeAsync("flood");
        byte[][] frames = Signed(session.Keys, lines, batch);

        // n0 talks all along, a line every 100 ms (a link that brought someone else's line in the last second is what
        // makes n1 hold a flood on another; on a busy machine the flood may come more than a second after one line).
        network.Nodes[0].Say("before", TestNetwork.Now);
        await Eventually.WaitUntil(() => network.Sinks[2].CountOf("n0: before") == 1, TestNetwork.Deadline, "n2 to show n0's first line",
            network.Sinks[2].ToString);
        using var chatter = new CancellationTokenSource();
        Task talking = Task.Run(async () =>
        {
            // The pace of a person typing (a rate, not a wait for something to happen).
            using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            for (int i = 0; !chatter.IsCancellationRequested && await pace.WaitForNextTickAsync(CancellationToken.None); i++)
                network.Nodes[0].Say($"chatter {i}", TestNetwork.Now);
        });
        try
        {
            await flooder.SendFramesAsync(frames);
            await Eventually.WaitUntil(() => victim.BudgetHolds > 0, TimeSpan.FromSeconds(10), "n1 to hold the flooder's reads");
        }
        finally
        {
            chatter.Cancel();
            await talking;
        }

        // While the flood waits, n0's next line goes ahead of it.
        network.Nodes[0].Say("during", TestNetwork.Now);
        await Eventually.WaitUntil(() => network.Sinks[2].CountOf("n0: during") == 1, TestNetwork.Deadline, "n2 to show n0's line",
            network.Sinks[2].ToString);
        await Assert.That(FloodLinesAt(network.Sinks[2])).IsLessThan(lines);

        await Eventually.WaitUntil(() => FloodLinesAt(network.Sinks[2]) == lines, TimeSpan.FromSeconds(30),
            $"n2 to show all {lines} flood lines in the end", () => $"n2 {FloodLinesAt(network.Sinks[2])}\n{FlowStates(network)}");
        await Assert.That(network.Sinks[2].Left).IsEmpty().Because(FlowStates(network));
        await Assert.That(victim.DirectPeerCount).IsEqualTo(3);
        // The user of n1 can see who was held back, and nobody else is named.
        string held = P2PChat.Ui.PeerReport.Lines(new P2PChat.Ui.NodeFacade(victim))[^1];
        await Assert.That(held).StartsWith("held back for sending more than their share: flood (");
        await Assert.That(held).DoesNotContain("n0").And.DoesNotContain("n2");
    }
}
