// A hand-played sender for the lost-lines scenario: it connects to one node (RawClientHost), then says signed lines
// of its own under its own key with some sequence numbers never sent, as a sender that died with a line unsent looks
// to everyone else; it pings so it is not declared silent, and reads and discards whatever the node sends.
using System.Net;
using P2PChat.Net;

namespace P2PChat.Tests.Simulation;

internal sealed class SkippingHost(SimNetwork net, IPEndPoint endPoint, ulong[] sequences) : RawClientHost(net, endPoint, "skipper")
{
    /// <summary>Its node id, once the handshake is done (0 before).</summary>
    public ulong NodeId => Peer?.Keys.NodeId ?? 0;

    protected override void Opened()
    {
        Net.Events.At(Net.Now + 200, SayAll);
        Net.Events.At(Net.Now + 1000, KeepAlive);
    }

    private void SayAll()
    {
        var frames = new List<byte>();
        foreach (ulong seq in sequences)
            frames.AddRange(SecurePeer.Line(Peer!.Keys, Label, seq, $"line {seq}", Net.Now));
        Send(Peer!.Seal([.. frames]));
    }

    private void KeepAlive()
    {
        if (Closed)
            return;
        Send(Peer!.Seal(Ping));
        Net.Events.At(Net.Now + 1000, KeepAlive);
    }
}
