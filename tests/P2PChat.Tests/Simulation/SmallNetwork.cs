// The start of the scenario tests that play one host against a few members: members on 10.0.1.x:7000, keys drawn from
// the network's seed, each joining a random earlier one as they start 100 ms apart, then 5 s to settle (self-healed to
// their links, each knowing all the others). One place, so that every such test draws its seed the same way.
using System.Net;
using P2PChat.Net;
using P2PChat.Net.Crypto;

namespace P2PChat.Tests.Simulation;

internal static class SmallNetwork
{
    /// <summary><paramref name="count"/> members named m0, m1, ... with <paramref name="options"/> (default ones when
    /// null); their keys are added to <paramref name="keys"/> when given.</summary>
    public static List<NodeHost> Grow(SimNetwork net, int count, NodeOptions? options = null, List<NodeKeys>? keys = null)
    {
        var nodes = new List<NodeHost>();
        for (int i = 0; i < count; i++)
        {
            var key = NodeKeys.Generate(new SeededRandomSource(new Random(net.Random.Next())));
            keys?.Add(key);
            NodeOptions named = options is null ? new NodeOptions($"m{i}") : options with { Name = $"m{i}" };
            var host = new NodeHost(net, new IPEndPoint(new IPAddress([10, 0, 1, (byte)(i + 2)]), 7000), named, key, 1 + net.Random.Next(5));
            if (i > 0)
                host.Join(nodes[net.Random.Next(i)].EndPoint);
            nodes.Add(host);
            net.Events.RunUntil(net.Now + 100);
        }
        net.Events.RunUntil(net.Now + 5000);
        return nodes;
    }
}
