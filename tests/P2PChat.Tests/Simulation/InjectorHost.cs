// A hand-written peer for the "more senders than the filter tracks" scenario: it connects to one node, does the
// encrypted handshake itself (RawClientHost), then sends CHAT frames from many distinct authors (each its own key, so
// each a distinct origin), one signed line each, in batches, pinging so it is not declared silent. It reads and
// discards whatever the node sends.
using System.Net;
using P2PChat.Net;

namespace P2PChat.Tests.Simulation;

internal sealed class InjectorHost(SimNetwork net, IPEndPoint endPoint) : RawClientHost(net, endPoint, "injector")
{
    private int _sent;

    public int Origins { get; init; } = 5000;

    /// <summary>When the last CHAT went out (-1 before).</summary>
    public long StoppedAt { get; private set; } = -1;

    protected override void Opened()
    {
        Net.Events.At(Net.Now + 200, SendBatch);
        Net.Events.At(Net.Now + 1000, KeepAlive);
    }

    private void SendBatch()
    {
        if (Closed)
            return;
        var frames = new List<byte>();
        for (int i = 0; i < 100 && _sent < Origins; i++, _sent++)
            frames.AddRange(SecurePeer.Line(NewKeys(), "injector", 1, "x", Net.Now));
        Send(Peer!.Seal(frames.ToArray()));
        if (_sent < Origins)
            Net.Events.At(Net.Now + 10, SendBatch);
        else
            StoppedAt = Net.Now;
    }

    private void KeepAlive()
    {
        if (Closed)
            return;
        Send(Peer!.Seal(Ping));
        Net.Events.At(Net.Now + 1000, KeepAlive);
    }
}
