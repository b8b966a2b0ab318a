// A line of simulated nodes with default options but no self-healing (each joins the one before it), the shape the
// small scenarios start from.
using System.Net;
using P2PChat.Net;
using P2PChat.Net.Crypto;

namespace P2PChat.Tests.Simulation;

internal static class SimLine
{
    /// <summary><paramref name="count"/> nodes named PREFIX0, PREFIX1, ... at 10.0.0.2, .3, ..., node i joined to node
    /// i - 1 (nothing runs yet: the caller runs the events).</summary>
    public static List<NodeHost> Start(SimNetwork net, int count, string prefix)
    {
        var nodes = new List<NodeHost>();
        for (int i = 0; i < count; i++)
        {
            var host = new NodeHost(net, new IPEndPoint(new IPAddress([10, 0, 0, (byte)(i + 2)]), 7000),
                new NodeOptions($"{prefix}{i}") { TargetLinks = 0 }, NodeKeys.Generate(new SeededRandomSource(new Random(net.Random.Next()))),
                1 + net.Random.Next(20));
            if (i > 0)
                host.Join(nodes[i - 1].EndPoint);
            nodes.Add(host);
        }
        return nodes;
    }
}
