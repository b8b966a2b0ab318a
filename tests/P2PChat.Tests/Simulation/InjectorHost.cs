// A hand-written peer for the "more senders than the filter tracks" scenario: it connects to one node, does the
// encrypted handshake itself (SecurePeer), then sends CHAT frames from many distinct authors (each its own key, so
// each a distinct origin), one signed line each, in batches, pinging so it is not declared silent. It reads and
// discards whatever the node sends.
using System.Net;
using P2PChat.Net;
using P2PChat.Net.Crypto;

namespace P2PChat.Tests.Simulation;

internal sealed class InjectorHost(SimNetwork net, IPEndPoint endPoint) : SimHost(net, endPoint, "injector")
{
    private static readonly byte[] Ping = [0, 0, 0, 1, (byte)FrameType.Ping];
    private readonly SeededRandomSource _random = new(new Random(net.Random.Next()));
    private SimSocket? _socket;
    private SecurePeer? _peer;
    private int _sent;

    public int Origins { get; init; } = 5000;

    /// <summary>When the last CHAT went out (-1 before).</summary>
    public long StoppedAt { get; private set; } = -1;

    public void Start(IPEndPoint to)
    {
        _socket = new SimSocket(this, to) { LinkId = 1 };
        Sockets.Add(_socket);
        Net.Connect(_socket, to);
    }

    protected override void Connected(SimSocket socket)
    {
        _peer = new SecurePeer(NodeKeys.Generate(_random), "injector", listenPort: 9);
        Send(_peer.Start());
    }

    private void SendBatch()
    {
        if (_socket is null || _socket.Closed)
            return;
        var frames = new List<byte>();
        for (int i = 0; i < 100 && _sent < Origins; i++, _sent++)
            frames.AddRange(SecurePeer.Line(NodeKeys.Generate(_random), "injector", 1, "x", Net.Now));
        Send(_peer!.Seal(frames.ToArray()));
        if (_sent < Origins)
            Net.Events.At(Net.Now + 10, SendBatch);
        else
            StoppedAt = Net.Now;
    }

    private void KeepAlive()
    {
        if (_socket is null || _socket.Closed)
            return;
        Send(_peer!.Seal(Ping));
        Net.Events.At(Net.Now + 1000, KeepAlive);
    }

    private void Send(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
            return;
        _socket!.Enqueue(bytes, int.MaxValue);
        MarkDirty(_socket);
        AfterInput();
    }

    protected override bool Accept(SimSocket socket) => false;

    protected override int Consume(SimSocket socket, ReadOnlySpan<byte> data)
    {
        bool wasOpen = _peer!.Open;
        byte[] reply = _peer.Feed(data, out int consumed);
        Send(reply);
        if (!wasOpen && _peer.Open)
        {
            Net.Events.At(Net.Now + 200, SendBatch);
            Net.Events.At(Net.Now + 1000, KeepAlive);
        }
        return consumed;
    }

    protected override void Finished(SimSocket socket) => socket.Abort(Net.Random);

    public override void Lost(SimSocket socket, LinkClose reason) => Net.Trace($"injector lost its link: {reason}");
}
