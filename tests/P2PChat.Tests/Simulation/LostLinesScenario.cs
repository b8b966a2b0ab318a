// "Lines lost for good are told, once": a line of three nodes, and a sender (SkippingHost) at one end whose lines
// skip some sequence numbers. Every node, the ones it reaches only through relays too, must show the lines it has,
// give the missing ones up once the gap wait is over, and report them: the invariants' accounting (CheckLosses) on
// every node, and the reports returned for the test to compare with what was skipped. Waits on the reports, with a
// deadline in simulated time.
using System.Net;
using P2PChat.Net;

namespace P2PChat.Tests.Simulation;

internal static class LostLinesScenario
{
    public static (ulong Sender, List<LostLines>[] Reports) Run(int seed, ulong[] sequences, TextWriter? trace = null)
    {
        var net = new SimNetwork(seed, trace);
        List<NodeHost> nodes = SimLine.Start(net, 3, "t");
        net.Events.RunUntil(5000);
        var sender = new SkippingHost(net, new IPEndPoint(new IPAddress([10, 0, 9, 9]), 7000), sequences) { LatencyMs = 2 };
        sender.Start(nodes[0].EndPoint);
        // A relay passes a sender's lines on in its order, so each hop waits out the gap in turn: GapWaitMs per node.
        long deadline = net.Now + DeliveryOrder.HistoryWaitMs + (nodes.Count + 1) * DeliveryOrder.GapWaitMs;
        while (nodes.Any(n => n.LostReports.Count == 0) && net.Now < deadline)
            net.Events.RunUntil(net.Now + 1000);
        net.Events.RunUntil(net.Now + 2 * GapReports.WindowMs); // a second report would come by now
        SimInvariants.CheckSafety(seed, nodes);
        return (sender.NodeId, nodes.Select(n => n.LostReports).ToArray());
    }
}
