// A peer that suspects every member it hears of, every 200 ms, each time under a node id nobody knows (its own key
// with a fresh epoch: one key gives any number of ids). Live members would refute each suspicion with a new
// announcement; SuspicionTests counts how many they had to make.
using System.Net;
using P2PChat.Net;

namespace P2PChat.Tests.Simulation;

internal sealed class SuspecterHost(SimNetwork net, IPEndPoint endPoint, IReadOnlyList<NodeHost> targets)
    : RawClientHost(net, endPoint, "suspecter")
{
    public int Sent { get; private set; }

    protected override void Opened() => Net.Events.At(Net.Now + 200, Suspect);

    private void Suspect()
    {
        if (Closed)
            return;
        NodeKeys fresh = NewKeys();
        var frames = new List<byte>(Ping);
        foreach (NodeHost target in targets)
        {
            // At the counter another member has for it: what a neighbour that lost it would suspect.
            NodeHost observer = targets[target == targets[0] ? 1 : 0];
            ulong counter = observer.Core.Presence.Roster.Get(target.NodeId)?.Counter ?? 1;
            var frame = new byte[FrameWriter.SuspectSize];
            FrameWriter.WriteSuspect(frame, fresh.NodeId, target.NodeId, counter, fresh.Identity.Public, fresh.Epoch);
            Presence.SignSuspect(fresh, frame);
            frames.AddRange(frame);
            Sent++;
        }
        Send(Peer!.Seal(frames.ToArray()));
        Net.Events.At(Net.Now + 200, Suspect);
    }
}
