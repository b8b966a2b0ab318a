// Self-healing membership. Each node tells its neighbours where its other neighbours listen (PEERS frames), keeps
// what it learns in a bounded AddressBook, and whenever it has fewer than TargetLinks distinct peers it connects to
// known addresses, with jittered exponential backoff per address, preferring peers the roster says are not online
// (they are on the far side of a split). PEERS goes out the moment a link opens, to the new neighbour and to all the
// others: a network seconds old already knows two hops of addresses, so a crash in its first second leaves no half
// that cannot find the other (issue 9). Having enough links is not enough: when the root of a tree dies, each half
// can keep its target inside itself and never look across. So even at its target a node probes, every
// ProbeIntervalMs, one known address of a peer that presence says is gone: dead ones refuse (and are forgotten after
// a while), live ones on the other side of the split answer, and the halves are one again.
using System.Net;

namespace P2PChat.Net;

internal sealed class Membership(NodeOptions options, LinkTable links, Presence presence, Random random)
{
    /// <summary>How often PEERS is re-sent even when nothing changed (a new neighbour of a neighbour spreads anyway).</summary>
    public const long PeersRefreshMs = 5000;

    /// <summary>How often a node at its target probes a known peer that is not online (a split to heal).</summary>
    public const long ProbeIntervalMs = 2000;

    /// <summary>Connection attempts at once: one address that does not answer (a dead host: a 5 s timeout) must not
    /// hold up the others.</summary>
    public const int MaxConnecting = 3;

    private readonly List<(ulong Node, IPEndPoint EndPoint)> _parsed = [];
    private long _nextProbe;
    private long _peersSentAt;
    private int _connecting;

    public AddressBook Book { get; } = new(random);

    public string? OnPeers(ReadOnlySpan<byte> body, ulong self)
    {
        _parsed.Clear();
        string? error = FrameReader.TryParsePeers(body, _parsed);
        if (error is not null)
            return error;
        foreach ((ulong node, IPEndPoint endPoint) in _parsed)
            if (node != self)
                Book.Learn(endPoint, node, firstHand: false);
        return null;
    }

    /// <summary>A link finished its handshake: remember where its peer listens, close the attempt, and tell everyone.</summary>
    public void OnLinkOpened(CoreLink link, long now)
    {
        PeerInfo peer = link.Peer!;
        var listen = new IPEndPoint(link.Remote.Address, peer.ListenPort);
        if (link.UserJoin)
            Book.AddPinned(link.Remote); // rejoined whenever links are lost, even after it restarts
        Book.Learn(listen, peer.NodeId);
        if (link.Attempt is { } attempt)
        {
            Book.Succeeded(attempt, peer.NodeId);
            link.Attempt = null;
            _connecting--;
        }
        SendPeers(now);
    }

    /// <summary>A link closed; an attempt that never opened counts as a failure of its address.</summary>
    public void OnLinkClosed(CoreLink link, long now)
    {
        if (link.Attempt is { } attempt)
        {
            Book.Failed(attempt, now);
            link.Attempt = null;
            _connecting--;
        }
    }

    /// <summary>An address of <paramref name="node"/> to link to directly (its lines are missing here and nobody around
    /// has them), above the target; null when we have a link to it, know no address, or one is being tried.</summary>
    public AddressBook.Entry? DirectCandidate(ulong node, long now)
    {
        if (node == 0 || links.IsLinkedTo(node) || _connecting >= MaxConnecting)
            return null;
        foreach (AddressBook.Entry entry in Book.Entries)
        {
            if (entry.NodeId != node || entry.NextAttempt > now)
                continue;
            _connecting++;
            entry.NextAttempt = now + (long)options.ConnectTimeout.TotalMilliseconds;
            return entry;
        }
        return null;
    }

    /// <summary>The address was this node itself.</summary>
    public void ForgetSelf(CoreLink link) => Book.Forget(link.Remote);

    /// <summary>On the timer: refresh PEERS, and pick an address to connect to (null: none now). The caller makes the
    /// link and sets its Attempt.</summary>
    public AddressBook.Entry? Tick(long now)
    {
        if (now - _peersSentAt >= PeersRefreshMs)
            SendPeers(now);
        if (options.TargetLinks <= 0 || _connecting >= MaxConnecting)
            return null;
        bool below = links.DistinctPeers < options.TargetLinks;
        bool probe = now >= _nextProbe;
        if (!below && !probe)
            return null;
        bool Linked(AddressBook.Entry e) => e.NodeId != 0 && links.IsLinkedTo(e.NodeId);
        bool Unreachable(AddressBook.Entry e) => e.NodeId != 0 && !presence.IsOnline(e.NodeId);
        AddressBook.Entry? candidate;
        if (below)
        {
            candidate = Book.NextCandidate(now, e => Linked(e) || !Unreachable(e)) ?? Book.NextCandidate(now, Linked);
        }
        else
        {
            _nextProbe = now + ProbeIntervalMs;
            candidate = Book.NextCandidate(now, e => Linked(e) || !Unreachable(e));
        }
        if (candidate is null)
            return null;
        _connecting++;
        candidate.NextAttempt = now + (long)options.ConnectTimeout.TotalMilliseconds; // not again meanwhile
        return candidate;
    }

    private void SendPeers(long now)
    {
        _peersSentAt = now;
        CoreLink[] open = links.Open;
        if (open.Length == 0)
            return;
        byte[] frame = PeersFrame(out int size);
        foreach (CoreLink link in open)
            links.Send(link, frame.AsSpan(0, size), now);
    }

    /// <summary>Our neighbours first (their link's address and HELLO listen port), then other known addresses.</summary>
    private byte[] PeersFrame(out int size)
    {
        CoreLink[] open = links.Open;
        var entries = new List<(ulong, IPEndPoint)>();
        var seen = new HashSet<ulong>();
        foreach (CoreLink link in open)
            if (link.Peer is { ListenPort: > 0 } peer && seen.Add(peer.NodeId))
                entries.Add((peer.NodeId, new IPEndPoint(link.Remote.Address, peer.ListenPort)));
        foreach (AddressBook.Entry entry in Book.Entries)
            if (entry.NodeId != 0 && entry.Failures == 0 && seen.Add(entry.NodeId))
                entries.Add((entry.NodeId, entry.EndPoint));
        var frame = new byte[FrameWriter.MaxPeersSize];
        size = FrameWriter.WritePeers(frame, entries);
        return frame;
    }
}
