// Every link the core knows, by id: the flood targets (open links), how many links go to each peer, and the one
// way frames leave the core (Send): into the link's SecureChannel, sealed into one record per link when the input is
// handled (Flush), or sooner when a record is full. It remembers links whose queue overflowed so the core closes them
// once the current input is handled (closing in the middle of a flood loop would change the set being iterated).
using System.Net;

namespace P2PChat.Net;

internal sealed class LinkTable(ICoreEffects effects)
{
    private readonly Dictionary<int, CoreLink> _all = [];
    private readonly Dictionary<ulong, int> _perNode = [];
    private readonly List<CoreLink> _overflowed = [];
    private readonly List<CoreLink> _unsealed = [];
    private readonly byte[] _record = new byte[Protocol.RecordHeaderSize + Protocol.MaxRecord];
    private int _nextId;

    /// <summary>Open links, the flood targets, in the order they opened. Replaced whole when it changes, so a caller may
    /// iterate it while links close.</summary>
    public CoreLink[] Open { get; private set; } = [];

    public int Count => _all.Count;

    /// <summary>Every link, in any state. The collection's own type, not IEnumerable: a foreach over that boxed its
    /// enumerator, and NextTick walks this after every input (garbage on every line; the scale run's samples).</summary>
    public Dictionary<int, CoreLink>.ValueCollection All => _all.Values;

    /// <summary>Distinct peers with an open or draining link.</summary>
    public int DistinctPeers => _perNode.Count;

    public bool IsLinkedTo(ulong node) => _perNode.ContainsKey(node);

    public CoreLink Create(bool outbound, IPEndPoint remote, long now)
    {
        var link = new CoreLink(++_nextId, outbound, remote, now);
        _all.Add(link.Id, link);
        return link;
    }

    public CoreLink? Find(int id) => _all.GetValueOrDefault(id);

    /// <summary>Counts the link as open; returns how many links to that peer there were before.</summary>
    public int MarkOpen(CoreLink link, PeerInfo peer, long now)
    {
        link.Peer = peer;
        link.State = LinkState.Open;
        link.OpenedAt = now;
        int count = _perNode.GetValueOrDefault(peer.NodeId);
        _perNode[peer.NodeId] = count + 1;
        Open = [.. Open, link];
        return count;
    }

    /// <summary>No more floods on this link (it is being retired).</summary>
    public void StopFlooding(CoreLink link)
    {
        if (Array.IndexOf(Open, link) >= 0)
            Open = Array.FindAll(Open, l => l != link);
    }

    /// <summary>Forgets a closed link; returns the links to its peer that remain (-1 if it never opened).</summary>
    public int Remove(CoreLink link)
    {
        bool wasCounted = link.State is LinkState.Open or LinkState.Draining && link.Peer is not null;
        link.State = LinkState.Closed;
        _all.Remove(link.Id);
        StopFlooding(link);
        if (!wasCounted)
            return -1;
        int count = _perNode[link.Peer!.NodeId] - 1;
        if (count == 0)
            _perNode.Remove(link.Peer.NodeId);
        else
            _perNode[link.Peer.NodeId] = count;
        return count;
    }

    /// <summary>Bytes of frames queued, by frame type (diagnostics: what a busy node sends; the simulator reports it).</summary>
    public long[] QueuedBytesByType { get; } = new long[32];

    /// <summary>Queues a frame on an open link (or, with <paramref name="handshake"/>, one whose encrypted channel is
    /// up but whose HELLO has not arrived). False when it was not queued.</summary>
    public bool Send(CoreLink link, ReadOnlySpan<byte> frame, long now, bool handshake = false)
    {
        if (link.State != LinkState.Open && !(handshake && link.State == LinkState.Handshaking) || IsOverflowed(link))
            return false; // an overflowed link is closed once the input is handled: sealing more for it is wasted work
        SecureChannel channel = link.Channel!;
        if (!channel.TryQueue(frame))
        {
            if (!Flush(link))
                return false;
            channel.TryQueue(frame);
        }
        if (channel.Pending == frame.Length)
            _unsealed.Add(link);
        if (frame.Length > Protocol.LengthPrefixSize && frame[Protocol.LengthPrefixSize] < QueuedBytesByType.Length)
            QueuedBytesByType[frame[Protocol.LengthPrefixSize]] += frame.Length;
        link.LastSent = now;
        return true;
    }

    /// <summary>Sends a record as it is (handshake messages, alerts).</summary>
    public bool SendRaw(CoreLink link, ReadOnlySpan<byte> record)
    {
        if (effects.Send(link.Id, record))
            return true;
        if (!_overflowed.Contains(link))
            _overflowed.Add(link);
        return false;
    }

    /// <summary>Seals what is queued on <paramref name="link"/> and hands the record to the driver. False when its queue
    /// is full (the link is then closed once the input is handled).</summary>
    public bool Flush(CoreLink link)
    {
        if (link.Channel is not { Pending: > 0 } channel || link.State == LinkState.Closed)
            return true;
        int size = channel.Seal(_record);
        return SendRaw(link, _record.AsSpan(0, size));
    }

    /// <summary>Counts inputs (one FlushAll each), so an owner can do something at most once per link per input.</summary>
    public long Input { get; private set; }

    /// <summary>At the end of an input: every link with frames queued gets one record.</summary>
    public void FlushAll()
    {
        Input++;
        FlushPending();
    }

    /// <summary>Seals what is queued on every link now, in the middle of an input (Flooding passes a line on before a
    /// slow check: what it queued must leave first).</summary>
    public void FlushPending()
    {
        for (int i = 0; i < _unsealed.Count; i++)
            Flush(_unsealed[i]);
        _unsealed.Clear();
    }

    /// <summary>The link's queue overflowed during this input (it is closed once the input is handled).</summary>
    public bool IsOverflowed(CoreLink link) => _overflowed.Count > 0 && _overflowed.Contains(link);

    /// <summary>Links whose queue overflowed since the last call, for the core to close.</summary>
    public bool TakeOverflowed(out CoreLink link)
    {
        if (_overflowed.Count == 0)
        {
            link = null!;
            return false;
        }
        link = _overflowed[^1];
        _overflowed.RemoveAt(_overflowed.Count - 1);
        return true;
    }

    /// <summary>Open links to <paramref name="node"/>.</summary>
    public bool HasOpenLinkTo(ulong node)
    {
        foreach (CoreLink link in Open)
            if (link.Peer!.NodeId == node)
                return true;
        return false;
    }
}
