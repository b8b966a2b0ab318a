// "More senders than the duplicate filter tracks": a triangle of nodes, and a raw peer (InjectorHost) that sends one
// line from each of MaxOrigins + 1000 distinct origins into one of them. Every line must be shown at most once per
// node, and the network must go quiet: no CHAT or REPLAY frame queued anywhere QuietWithinMs after the injector
// stopped (the issue-9 loop: a forgotten sender's lines became new again and circulated for ever).
using System.Net;
using P2PChat.Net;
using P2PChat.Net.Crypto;

namespace P2PChat.Tests.Simulation;

internal static class InjectorScenario
{
    public const long QuietWithinMs = 5000;

    public static (int Origins, long[] ShownPerNode, long ChatFrames, List<string>[] Notices) Run(int seed, TextWriter? trace = null)
    {
        var net = new SimNetwork(seed, trace);
        var nodes = new List<NodeHost>();
        for (int i = 0; i < 3; i++)
        {
            var host = new NodeHost(net, new IPEndPoint(new IPAddress([10, 0, 0, (byte)(i + 2)]), 7000),
                new NodeOptions($"t{i}"), NodeKeys.Generate(new SeededRandomSource(new Random(net.Random.Next()))), 1 + net.Random.Next(20));
            if (i > 0)
                host.Join(nodes[0].EndPoint);
            nodes.Add(host);
        }
        net.Events.RunUntil(5000);
        int origins = DuplicateFilter.DefaultMaxOrigins + 1000;
        var injector = new InjectorHost(net, new IPEndPoint(new IPAddress([10, 0, 9, 9]), 7000)) { LatencyMs = 2, Origins = origins };
        injector.Start(nodes[0].EndPoint);
        while (injector.StoppedAt < 0 && net.Now < 120_000)
            net.Events.RunUntil(net.Now + 1000);
        if (injector.StoppedAt < 0)
            throw new SimFailure(seed, "injector", "the injector never finished sending");
        net.Events.RunUntil(injector.StoppedAt + 4 * QuietWithinMs);
        SimInvariants.CheckSafety(seed, nodes);
        long afterStop = net.LastChatFrameAt - injector.StoppedAt;
        if (afterStop > QuietWithinMs)
            throw new SimFailure(seed, "network goes quiet", $"CHAT/REPLAY frames were still queued {afterStop} ms after the injector stopped ({net.ChatFramesSent} in all)");
        return (origins, nodes.Select(n => (long)n.Shown.Count).ToArray(), net.ChatFramesSent, nodes.Select(n => n.Notices).ToArray());
    }
}
