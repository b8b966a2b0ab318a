// A simulated machine that is not a chat node but a hand-played client of one (InjectorHost, ForgerHost): it opens one
// connection, speaks the encrypted protocol itself through SecurePeer, accepts nothing, and aborts when the node
// closes. Subclasses say what to do once the node's HELLO has verified.
using System.Net;
using P2PChat.Net;
using P2PChat.Net.Crypto;

namespace P2PChat.Tests.Simulation;

internal abstract class RawClientHost(SimNetwork net, IPEndPoint endPoint, string label) : SimHost(net, endPoint, label)
{
    private readonly SeededRandomSource _random = new(new Random(net.Random.Next()));
    private SimSocket? _socket;

    /// <summary>A PING frame: what a raw client sends now and then so the node does not cut it as silent.</summary>
    protected static readonly byte[] Ping = [0, 0, 0, 1, (byte)FrameType.Ping];

    protected SecurePeer? Peer { get; private set; }

    /// <summary>Keys drawn from this host's seeded random source.</summary>
    protected NodeKeys NewKeys() => NodeKeys.Generate(_random);

    protected bool Closed => _socket is null || _socket.Closed;

    public void Start(IPEndPoint to)
    {
        _socket = new SimSocket(this, to) { LinkId = 1 };
        Sockets.Add(_socket);
        Net.Connect(_socket, to);
    }

    /// <summary>Called once, when the node's HELLO has verified.</summary>
    protected abstract void Opened();

    protected override void Connected(SimSocket socket)
    {
        Peer = new SecurePeer(NewKeys(), Label, listenPort: 9);
        Send(Peer.Start());
    }

    protected void Send(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty || Closed)
            return;
        _socket!.Enqueue(bytes, int.MaxValue);
        MarkDirty(_socket);
        AfterInput();
    }

    protected override bool Accept(SimSocket socket) => false;

    protected override int Consume(SimSocket socket, ReadOnlySpan<byte> data)
    {
        bool wasOpen = Peer!.Open;
        byte[] reply;
        int consumed;
        try
        {
            reply = Peer.Feed(data, out consumed);
        }
        catch (InvalidOperationException)
        {
            return data.Length; // the node is about to close us
        }
        Send(reply);
        if (!wasOpen && Peer.Open)
            Opened();
        return consumed;
    }

    protected override void Finished(SimSocket socket) => socket.Abort(Net.Random);

    public override void Lost(SimSocket socket, LinkClose reason) => Net.Trace($"{Label} lost its link: {reason}");
}
