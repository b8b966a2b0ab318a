// A hand-written peer for the "more senders than the filter tracks" scenario: it connects to one node, does the
// HELLO handshake itself (FrameWriter), then sends CHAT frames from many distinct origins, one line each, in
// batches, pinging so it is not declared silent. It reads and discards whatever the node sends.
using System.Net;
using System.Text;
using P2PChat.Net;

namespace P2PChat.Tests.Simulation;

internal sealed class InjectorHost(SimNetwork net, IPEndPoint endPoint) : SimHost(net, endPoint, "injector")
{
    public const ulong FirstOrigin = 0x1_0000_0000;

    private static readonly byte[] Ping = [0, 0, 0, 1, (byte)FrameType.Ping];
    private static readonly byte[] Name = Encoding.UTF8.GetBytes("injector");
    private SimSocket? _socket;
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
        var hello = new byte[FrameWriter.HelloSize(Name)];
        FrameWriter.WriteHello(hello, 0xFEED_FACE_0000_0001, 9, Name);
        Send(hello);
        Net.Events.At(Net.Now + 200, SendBatch);
        Net.Events.At(Net.Now + 1000, KeepAlive);
    }

    private void SendBatch()
    {
        if (_socket is null || _socket.Closed)
            return;
        var frame = new byte[Protocol.MaxFrameSize];
        for (int i = 0; i < 100 && _sent < Origins; i++, _sent++)
        {
            int size = FrameWriter.WriteChat(frame, new MessageId(FirstOrigin + (ulong)_sent, 1), Net.Now, Name, "x"u8);
            Send(frame.AsSpan(0, size));
        }
        AfterInput();
        if (_sent < Origins)
            Net.Events.At(Net.Now + 10, SendBatch);
        else
            StoppedAt = Net.Now;
    }

    private void KeepAlive()
    {
        if (_socket is null || _socket.Closed)
            return;
        Send(Ping);
        AfterInput();
        Net.Events.At(Net.Now + 1000, KeepAlive);
    }

    private void Send(ReadOnlySpan<byte> frame)
    {
        _socket!.Enqueue(frame, int.MaxValue);
        MarkDirty(_socket);
    }

    protected override bool Accept(SimSocket socket) => false;

    protected override int Consume(SimSocket socket, ReadOnlySpan<byte> data) => data.Length;

    protected override void Finished(SimSocket socket) => socket.Abort(Net.Random);

    public override void Lost(SimSocket socket, LinkClose reason) => Net.Trace($"injector lost its link: {reason}");
}
