// Three nodes in a line over loopback (0 - 1 - 2, TargetLinks 0) with counting sinks: node 0 speaks, node 1
// forwards, node 2 listens. Shared by the forwarding benchmark and the process-wide allocation run.
using P2PChat.Net;

namespace P2PChat.Micro;

internal sealed class ForwardingLine : IDisposable
{
    /// <summary>A typical line: 42 bytes of text from a 5-byte name.</summary>
    public const string Text = "see you at the station at five, platform 3";

    /// <summary>Most messages said and not yet at node 2: well below what the 4 MiB link queue holds.</summary>
    public const int Window = 10_000;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly LoopbackNetwork _network = new();
    private readonly CountingSink[] _sinks = [new(), new(), new()];

    private ForwardingLine()
    {
    }

    public ChatNode First => _network.Nodes[0];

    public CountingSink Middle => _sinks[1];

    public CountingSink Last => _sinks[2];

    public static ForwardingLine Start()
    {
        var line = new ForwardingLine();
        try
        {
            string[] names = ["alice", "bobby", "carol"];
            for (int i = 0; i < 3; i++)
                line._network.Add(LoopbackNetwork.Options(names[i], targetLinks: 0), line._sinks[i]);
            line._network.Join(1, 0).GetAwaiter().GetResult();
            line._network.Join(2, 1).GetAwaiter().GetResult();
            IReadOnlyList<ChatNode> nodes = line._network.Nodes;
            LoopbackNetwork.WaitUntil(() => nodes[0].DirectPeerCount == 1 && nodes[1].DirectPeerCount == 2 && nodes[2].DirectPeerCount == 1,
                TimeSpan.FromSeconds(5), "the line 0 - 1 - 2 to be open at both ends of each link");
            return line;
        }
        catch
        {
            line.Dispose();
            throw;
        }
    }

    /// <summary>Node 0 says <paramref name="count"/> messages, never more than Window ahead of node 2; returns when
    /// node 2 has all of them.</summary>
    public void Send(int count)
    {
        long start = Last.Count;
        int said = 0;
        while (said < count)
        {
            int batch = Math.Min(Window / 2, count - said);
            Await(start + said + batch - Window); // keep the pipe full but the queues bounded
            for (int i = 0; i < batch; i++)
                First.Say(Text, 1_700_000_000_000);
            said += batch;
        }
        Await(start + count);
    }

    private void Await(long total)
    {
        if (total <= Last.Count)
            return;
        Last.Expect(total);
        if (!Last.Wait(Deadline))
            throw new TimeoutException($"node 2 has {Last.Count} messages, expected {total} within {Deadline.TotalSeconds} s "
                + $"(node 1 has {Middle.Count})");
    }

    public void Dispose() => _network.Dispose();
}
