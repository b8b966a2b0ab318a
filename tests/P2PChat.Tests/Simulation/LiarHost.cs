// A member that lies about how much it said: it says one line, then announces itself every 2 s claiming a million
// lines more each time (its own keys and signatures: nothing forged, so every node takes the announcements). Nobody
// has those lines, so every node's repairs for it come to nothing; ClaimTests counts how often they are tried.
using System.Net;
using P2PChat.Net;

namespace P2PChat.Tests.Simulation;

internal sealed class LiarHost(SimNetwork net, IPEndPoint endPoint) : RawClientHost(net, endPoint, "liar")
{
    private ulong _counter;

    public ulong NodeId => Peer!.Keys.NodeId;

    protected override void Opened()
    {
        Send(Peer!.Seal(SecurePeer.Line(Peer.Keys, "liar", 1, "hello", Net.Now)));
        Net.Events.At(Net.Now + 1000, Announce);
    }

    private void Announce()
    {
        if (Closed)
            return;
        _counter++;
        byte[] announcement = SecurePeer.Announcement(Peer!.Keys, "liar", _counter, lastSeq: 1 + 1_000_000 * _counter);
        Send(Peer.Seal([.. announcement, .. Ping]));
        Net.Events.At(Net.Now + 2000, Announce);
    }
}
