// A hostile peer for the simulation: it completes the handshake with keys of its own (so it is a member as far as
// the protocol goes), then tries one of issue 10's attacks on a live member: a line under that member's origin, a
// line with a sequence far above the member's (which would make its next lines look like duplicates everywhere), or
// a BYE that would make it "leave". The invariants must not notice: nothing shown that nobody said, every member's
// lines delivered, every roster complete.
using System.Net;
using P2PChat.Net;
using P2PChat.Net.Crypto;

namespace P2PChat.Tests.Simulation;

internal sealed class ForgerHost(SimNetwork net, IPEndPoint endPoint, NodeHost victim, int attack) : SimHost(net, endPoint, "forger")
{
    private readonly SeededRandomSource _random = new(new Random(net.Random.Next()));
    private SimSocket? _socket;
    private SecurePeer? _peer;

    public void Start(IPEndPoint to)
    {
        _socket = new SimSocket(this, to) { LinkId = 1 };
        Sockets.Add(_socket);
        Net.Connect(_socket, to);
    }

    protected override void Connected(SimSocket socket)
    {
        _peer = new SecurePeer(NodeKeys.Generate(_random), "mallory", listenPort: 9);
        Send(_peer.Start());
    }

    private void Attack()
    {
        NodeKeys keys = _peer!.Keys;
        ulong next = victim.Core.Flooding.LastSequence + 1;
        byte[] frame = attack switch
        {
            0 => SecurePeer.ForgedLine(keys, victim.NodeId, victim.Core.Name, next, "forged"),
            1 => SecurePeer.ForgedLine(keys, victim.NodeId, victim.Core.Name, next + 1_000_000, "forged"),
            _ => SecurePeer.ForgedBye(keys, victim.NodeId, victim.Core.Name),
        };
        Net.Trace($"forger sends a {(attack switch { 0 => "line as", 1 => "high sequence as", _ => "BYE for" })} {victim.Label}");
        Send(_peer.Seal(frame));
    }

    private void Send(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty || _socket is null || _socket.Closed)
            return;
        _socket.Enqueue(bytes, int.MaxValue);
        MarkDirty(_socket);
        AfterInput();
    }

    protected override bool Accept(SimSocket socket) => false;

    protected override int Consume(SimSocket socket, ReadOnlySpan<byte> data)
    {
        bool wasOpen = _peer!.Open;
        byte[] reply;
        int consumed;
        try
        {
            reply = _peer.Feed(data, out consumed);
        }
        catch (InvalidOperationException)
        {
            return data.Length; // not our business: the node closes us soon
        }
        Send(reply);
        if (!wasOpen && _peer.Open)
            Net.Events.At(Net.Now + 50, Attack);
        return consumed;
    }

    protected override void Finished(SimSocket socket) => socket.Abort(Net.Random);

    public override void Lost(SimSocket socket, LinkClose reason) => Net.Trace($"forger lost its link: {reason}");
}
