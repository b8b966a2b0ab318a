// In-process chat nodes on 127.0.0.1, each on its own system-chosen port, joined along the edges a run asks for
// (the idea of the integration tests' TestNetwork, with the sinks left to the caller). Disposes every node.
using System.Diagnostics;
using System.Net;
using P2PChat.Net;

namespace P2PChat.Micro;

internal sealed class LoopbackNetwork : IDisposable
{
    private readonly List<ChatNode> _nodes = [];

    public IReadOnlyList<ChatNode> Nodes => _nodes;

    /// <summary>Loopback options with the product's defaults otherwise; TargetLinks 0 keeps exactly the links made.</summary>
    public static NodeOptions Options(string name, int targetLinks) => new(name)
    {
        BindAddress = IPAddress.Loopback,
        Port = 0,
        TargetLinks = targetLinks,
    };

    public ChatNode Add(NodeOptions options, IChatSink sink)
    {
        var node = new ChatNode(options, sink);
        node.Start();
        _nodes.Add(node);
        return node;
    }

    /// <summary>Node <paramref name="from"/> joins node <paramref name="to"/> (connect and handshake).</summary>
    public Task Join(int from, int to) => _nodes[from].JoinAsync("127.0.0.1", _nodes[to].ListenEndPoint.Port);

    /// <summary>Polls <paramref name="condition"/> every 10 ms; throws with <paramref name="what"/> after the deadline.</summary>
    public static void WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"waited {timeout.TotalSeconds:0.#} s for {what}, in vain");
            Thread.Sleep(10);
        }
    }

    public void Dispose()
    {
        foreach (ChatNode node in _nodes)
            node.Dispose();
        _nodes.Clear();
    }
}
