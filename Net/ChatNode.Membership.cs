// Self-healing membership. Each node tells its neighbours where its other neighbours listen (PEERS frames), keeps
// what it learns in a bounded AddressBook, and whenever it has fewer than TargetLinks distinct peers it connects
// to known addresses, one attempt at a time, with jittered exponential backoff per address, preferring peers the
// roster says are not online (they are on the far side of a split). Having enough links is not enough: when the
// root of a tree dies, each half can keep its target inside itself and never look across. So even at its target a
// node probes, every ProbeIntervalMs, one known address of a peer that presence says is gone: dead ones refuse
// (and are forgotten after a while), live ones on the other side of the split answer, and the halves are one again.
using System.Net;

namespace P2PChat.Net;

internal sealed partial class ChatNode
{
    /// <summary>How often PEERS is re-sent even when nothing changed (a new neighbour of a neighbour spreads anyway).</summary>
    private const long PeersRefreshMs = 5000;

    /// <summary>How often a node at its target probes a known peer that is not online (a split to heal).</summary>
    private const long ProbeIntervalMs = 2000;

    private long _nextProbe;

    // Guarded by _linksLock.
    private readonly AddressBook _book = new();
    private bool _peersChanged;
    private long _peersSentAt;
    private int _connecting;

    /// <summary>Addresses this node could reconnect to, for diagnostics and :peers.</summary>
    public int KnownAddressCount
    {
        get
        {
            lock (_linksLock)
                return _book.Count;
        }
    }

    private string? OnPeers(ReadOnlySpan<byte> body)
    {
        var peers = new List<(ulong Node, IPEndPoint EndPoint)>();
        string? error = FrameReader.TryParsePeers(body, peers);
        if (error is not null)
            return error;
        lock (_linksLock)
            foreach ((ulong node, IPEndPoint endPoint) in peers)
                if (node != NodeId)
                    _book.Learn(endPoint, node);
        return null;
    }

    /// <summary>On the timer: tell neighbours about our neighbours when they changed (or every few seconds), and
    /// connect to a known address while we have fewer peers than the target.</summary>
    private void MaintainMembership(long now)
    {
        AddressBook.Entry? candidate = null;
        byte[]? peersFrame = null;
        PeerConnection[] open;
        bool probe = now >= _nextProbe;
        // Taken before _linksLock: the presence lock is never taken inside it (presence enqueues, which may close a
        // link, which takes _linksLock).
        HashSet<ulong>? online = Options.TargetLinks > 0 && Volatile.Read(ref _connecting) == 0 && (probe || DirectPeerCount < Options.TargetLinks)
            ? OnlineNodes()
            : null;
        lock (_linksLock)
        {
            open = _open;
            if (open.Length > 0 && (_peersChanged || now - _peersSentAt >= PeersRefreshMs))
            {
                _peersChanged = false;
                _peersSentAt = now;
                peersFrame = BuildPeersFrame(open);
            }
            if (_connecting == 0 && online is not null)
            {
                bool Linked(AddressBook.Entry e) => e.NodeId != 0 && _linksPerNode.ContainsKey(e.NodeId);
                bool Unreachable(AddressBook.Entry e) => e.NodeId != 0 && !online.Contains(e.NodeId);
                if (_linksPerNode.Count < Options.TargetLinks)
                {
                    candidate = _book.NextCandidate(now, e => Linked(e) || !Unreachable(e))
                        ?? _book.NextCandidate(now, Linked);
                }
                else if (probe)
                {
                    _nextProbe = now + ProbeIntervalMs;
                    candidate = _book.NextCandidate(now, e => Linked(e) || !Unreachable(e));
                }
                if (candidate is not null)
                {
                    _connecting++;
                    candidate.NextAttempt = now + (long)Options.ConnectTimeout.TotalMilliseconds; // not again meanwhile
                }
            }
        }
        if (peersFrame is not null)
            foreach (PeerConnection link in open)
                link.TryEnqueue(peersFrame);
        if (candidate is not null)
            _ = ReconnectAsync(candidate);
    }

    /// <summary>Our neighbours first (their link's address and HELLO listen port), then other known addresses.</summary>
    private byte[] BuildPeersFrame(PeerConnection[] open)
    {
        var entries = new List<(ulong, IPEndPoint)>();
        var seen = new HashSet<ulong>();
        foreach (PeerConnection link in open)
            if (link.Peer is { ListenPort: > 0 } peer && seen.Add(peer.NodeId))
                entries.Add((peer.NodeId, new IPEndPoint(link.RemoteEndPoint.Address, peer.ListenPort)));
        foreach (AddressBook.Entry entry in _book.Entries)
            if (entry.NodeId != 0 && entry.Failures == 0 && seen.Add(entry.NodeId))
                entries.Add((entry.NodeId, entry.EndPoint));
        var frame = new byte[FrameWriter.MaxPeersSize];
        int size = FrameWriter.WritePeers(frame, entries);
        return frame[..size];
    }

    private async Task ReconnectAsync(AddressBook.Entry entry)
    {
        try
        {
            PeerInfo peer = await ConnectAsync(entry.EndPoint, CancellationToken.None).ConfigureAwait(false);
            lock (_linksLock)
                _book.Succeeded(entry, peer.NodeId);
        }
        catch (ChatNetworkException)
        {
            lock (_linksLock)
                _book.Failed(entry, Environment.TickCount64);
        }
        finally
        {
            lock (_linksLock)
                _connecting--;
        }
    }
}
