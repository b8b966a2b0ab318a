// One NodeCore on simulated time for the dial-limit tests: peers that join it through the real encrypted handshake
// (SecurePeer) and send it frames, the 250 ms timer run for N simulated seconds, and every connection the core starts
// recorded with its address and time, then answered by a test (refused at once, or a peer that completes the handshake).
using System.Net;
using P2PChat.Net;
using P2PChat.Tests.Fuzz;

namespace P2PChat.Tests;

internal sealed class DialBench
{
    public const long TickMs = 250;

    /// <summary>A PING frame: what a peer sends to stay alive.</summary>
    public static readonly byte[] Ping = [0, 0, 0, 1, (byte)FrameType.Ping];

    private readonly Random _r;
    private readonly List<(SecurePeer Peer, int Link)> _joined = [];

    /// <param name="presenceInterval">How often the core announces itself at least (NodeOptions.PresenceInterval): a
    /// test of what keeps an idle link alive sets it long, so that its announcements do not.</param>
    public DialBench(int targetLinks = 3, int seed = 1, TimeSpan? presenceInterval = null)
    {
        _r = new Random(seed);
        var options = new NodeOptions("me") { TargetLinks = targetLinks };
        if (presenceInterval is { } interval)
            options = options with { PresenceInterval = interval };
        Fuzz = new CoreUnderFuzz(options, FuzzKeys.For(0, _r), _r, _ => { });
    }

    public CoreUnderFuzz Fuzz { get; }

    public NodeCore Core => Fuzz.Core;

    public AddressBook Book => Core.Membership.Book;

    public long Now => Fuzz.Now;

    /// <summary>Every connection the core started: when, where, and its link.</summary>
    public List<(long At, IPEndPoint To, int Link)> Dials { get; } = [];

    /// <summary>Fresh keys for a peer (identity 1-7 of the fuzz pool, a new epoch each time: a new node).</summary>
    public NodeKeys Keys(int identity) => FuzzKeys.For(identity, _r);

    /// <summary>A peer connects to the core and completes the handshake; returns it with its link. The frames the core
    /// sent once the link opened go to <paramref name="opening"/>, if given.</summary>
    public (SecurePeer Peer, int Link) Join(int identity, string name, ushort listenPort, bool sendsHello = true, List<byte[]>? opening = null)
    {
        var peer = new SecurePeer(Keys(identity), name, initiator: true, listenPort) { SendsHello = sendsHello };
        int link = Fuzz.Accept(listenPort);
        Converse(peer, link, peer.Start(), opening);
        _joined.Add((peer, link));
        return (peer, link);
    }

    /// <summary>The core's dial <paramref name="link"/> reaches a p2pchat peer with <paramref name="keys"/>, which
    /// completes the handshake.</summary>
    public void Answer(int link, NodeKeys keys, string name, ushort listenPort)
    {
        var peer = new SecurePeer(keys, name, initiator: false, listenPort);
        Fuzz.Input(core => core.Connected(link, Now));
        Converse(peer, link, []);
        _joined.Add((peer, link));
    }

    /// <summary>The core's dial <paramref name="link"/> is refused at once (nobody listens there).</summary>
    public void Refuse(int link) => Fuzz.Input(core => core.Lost(link, new LinkClose(CloseKind.Refused), Now));

    /// <summary>The link to a peer is lost (reset).</summary>
    public void Lose(int link) => Fuzz.Input(core => core.Lost(link, new LinkClose(CloseKind.Reset), Now));

    /// <summary><paramref name="frames"/> from <paramref name="from"/>, sealed into as few records as hold them, in one read.</summary>
    public void Send((SecurePeer Peer, int Link) from, byte[] frames)
    {
        byte[] records = Records(from.Peer, frames);
        Fuzz.Deliver(from.Link, records, [records.Length]);
    }

    /// <summary>Bytes arrive on <paramref name="link"/> in one read, handed to the core as they are (no driver hands back
    /// what it leaves); returns what it consumed.</summary>
    public int Receive(int link, ReadOnlySpan<byte> bytes)
    {
        int consumed = 0;
        byte[] copy = bytes.ToArray();
        Fuzz.Input(core => consumed = core.Receive(link, copy, Now));
        return consumed;
    }

    /// <summary>Whole frames sealed by <paramref name="peer"/> into as few records as hold them.</summary>
    public static byte[] Records(SecurePeer peer, byte[] frames)
    {
        var records = new List<byte>();
        int start = 0, at = 0;
        while (at < frames.Length)
        {
            int size = Protocol.LengthPrefixSize + (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(frames.AsSpan(at));
            if (at + size - start > Protocol.MaxRecordPlaintext)
            {
                records.AddRange(peer.Seal(frames.AsSpan(start, at - start)));
                start = at;
            }
            at += size;
        }
        records.AddRange(peer.Seal(frames.AsSpan(start, at - start)));
        return [.. records];
    }

    /// <summary>The frames of <paramref name="type"/> the core sent <paramref name="peer"/> since the last call;
    /// <paramref name="tail"/> keeps a record split across calls.</summary>
    public int FramesSent((SecurePeer Peer, int Link) peer, List<byte> tail, FrameType type) =>
        FramesOf(peer, tail, type).Count;

    /// <summary>The frames themselves (length prefix first), as FramesSent counts them.</summary>
    public List<byte[]> FramesOf((SecurePeer Peer, int Link) peer, List<byte> tail, FrameType type) =>
        FramesOf(peer, tail).FindAll(f => f.Length > 4 && f[4] == (byte)type);

    /// <summary>Every frame the core sent <paramref name="peer"/> since the last call, of any type.</summary>
    public List<byte[]> FramesOf((SecurePeer Peer, int Link) peer, List<byte> tail)
    {
        tail.AddRange(Fuzz.Effects.Take(peer.Link));
        var frames = new List<byte[]>();
        peer.Peer.Feed([.. tail], out int used, frames);
        tail.RemoveRange(0, used);
        return frames;
    }

    /// <summary>Past the wait for history from the first link (live lines are held until then): the peers show signs
    /// of life at the new time, and the core's timer runs once.</summary>
    public void PastHistoryWait(params (SecurePeer Peer, int Link)[] peers)
    {
        Fuzz.Now += DeliveryOrder.HistoryWaitMs + TickMs;
        foreach (var peer in peers)
            Send(peer, Ping);
        Fuzz.Input(core => core.Tick(Now));
    }

    /// <summary>The user joins through <paramref name="to"/>; the dial is recorded like the others.</summary>
    public int UserJoin(IPEndPoint to)
    {
        int link = -1;
        Fuzz.Input(core => link = core.Join(to, Now));
        Dials.Add((Now, to, link));
        return link;
    }

    /// <summary>Runs the timer every 250 ms until <paramref name="until"/>; each new dial is handed to
    /// <paramref name="dialled"/> (which answers it, or not: then it times out), and <paramref name="everyTick"/> runs
    /// after each tick (a peer that keeps talking).</summary>
    public void RunUntil(long until, Action<int, IPEndPoint>? dialled = null, Action? everyTick = null)
    {
        while (Fuzz.Now + TickMs <= until)
        {
            Fuzz.Now += TickMs;
            int before = Fuzz.Effects.Connects.Count;
            Fuzz.Input(core => core.Tick(Now));
            foreach (int link in Fuzz.Effects.Connects.Skip(before).ToList())
            {
                IPEndPoint to = Core.Links.Find(link)!.Remote;
                Dials.Add((Now, to, link));
                dialled?.Invoke(link, to);
            }
            everyTick?.Invoke();
            foreach ((SecurePeer _, int link) in _joined)
                Fuzz.Effects.Take(link); // what the core sends its peers is read (and not needed here)
        }
    }

    /// <summary>PEERS frames (32 addresses each) naming a fresh node at each of <paramref name="addresses"/>.</summary>
    public byte[] Peers(IEnumerable<IPEndPoint> addresses)
    {
        var frames = new List<byte>();
        foreach (IPEndPoint[] chunk in addresses.Chunk(Protocol.MaxPeersPerFrame))
        {
            var frame = new byte[FrameWriter.MaxPeersSize];
            int size = FrameWriter.WritePeers(frame, chunk.Select(a => ((ulong)_r.NextInt64(1, long.MaxValue), a)));
            frames.AddRange(frame.AsSpan(0, size).ToArray());
        }
        return [.. frames];
    }

    /// <summary>One PEERS frame naming the given nodes at the given addresses.</summary>
    public static byte[] Peers(IEnumerable<(ulong Node, IPEndPoint At)> entries)
    {
        var frame = new byte[FrameWriter.MaxPeersSize];
        return frame[..FrameWriter.WritePeers(frame, entries.Select(e => (e.Node, e.At)))];
    }

    /// <summary>Handshake bytes back and forth until neither side has more to say.</summary>
    private void Converse(SecurePeer peer, int link, byte[] first, List<byte[]>? frames = null)
    {
        var tail = new List<byte>();
        byte[] outgoing = first;
        for (int i = 0; i < 6; i++)
        {
            if (outgoing.Length > 0)
                Fuzz.Deliver(link, outgoing, [outgoing.Length]);
            tail.AddRange(Fuzz.Effects.Take(link));
            outgoing = peer.Feed([.. tail], out int used, frames);
            tail.RemoveRange(0, used);
            if (outgoing.Length == 0 && tail.Count == 0 && i > 0)
                break;
        }
    }
}
