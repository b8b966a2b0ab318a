// The protocol core of one chat node: plain state machines, no I/O. Inputs are the methods below (a link connected,
// bytes arrived, the peer finished, the link was lost, the time is now, the user said something, we leave); outputs
// go to ICoreEffects (send, connect, drain, close, and events for the UI). No sockets, threads, locks or clocks in
// here: time comes with every input and randomness from the Random handed in, so the same inputs give the same
// outputs, byte for byte (the simulator in tests/ depends on that). Not thread-safe: one caller at a time.
// State is split by owner: LinkTable (links), Flooding (duplicates, order, log), HistorySync (SYNC and horizon),
// Presence (roster), Membership (address book, connections to make). This file does the handshake, the link life
// cycle and the timer, and hands every other frame to its owner.
using System.Net;
using System.Text;

namespace P2PChat.Net;

internal sealed class NodeCore
{
    /// <summary>A link that closes this soon after opening may be the duplicate the other side retired while our
    /// other link to that peer is still handshaking: its "link closed" waits this long and is dropped if the peer is back.</summary>
    public const long LeaveGraceMs = 500;

    /// <summary>At most one notice a minute about connections from strangers that never finished a handshake.</summary>
    public const long StrangerNoticeMs = 60_000;

    private static readonly byte[] PingFrame = [0, 0, 0, 1, (byte)FrameType.Ping];
    private static readonly byte[] UnpruneFrame = [0, 0, 0, 1, (byte)FrameType.Unprune];

    private readonly ICoreEffects _effects;
    private readonly LinkTable _links;
    private readonly Flooding _flooding;
    private readonly HistorySync _history;
    private readonly Presence _presence;
    private readonly Membership _membership;
    private readonly byte[] _nameUtf8;
    private readonly Dictionary<ulong, (PeerInfo Peer, LinkClose Reason, long Due)> _pendingLeaves = [];
    private readonly List<CoreLink> _snapshot = [];
    private readonly List<ulong> _wantedSenders = [];
    private byte[] _hello = [];
    private bool _stopping;
    private int _carried;
    private int _confirmed;
    private long _strangers;
    private long _nextStrangerNotice;

    public NodeCore(NodeOptions options, ulong nodeId, Random random, ICoreEffects effects)
    {
        if (nodeId == 0)
            throw new ArgumentOutOfRangeException(nameof(nodeId), "node id 0 is reserved");
        Options = options;
        NodeId = nodeId;
        _effects = effects;
        _nameUtf8 = Encoding.UTF8.GetBytes(options.Name);
        if (!TextRules.IsValidName(_nameUtf8))
            throw new ArgumentException(TextRules.ExplainBadName(options.Name) ?? "invalid name", nameof(options));
        _links = new LinkTable(effects);
        _flooding = new Flooding(options, nodeId, _nameUtf8, _links, effects);
        _history = new HistorySync(options, nodeId, _links, _flooding);
        _presence = new Presence(options, nodeId, _nameUtf8, _links, _flooding, effects);
        _membership = new Membership(options, _links, _presence, random);
        _flooding.WantSender = node => _wantedSenders.Add(node);
    }

    public NodeOptions Options { get; }

    /// <summary>Random per process, so a restarted peer is a new origin and sequence numbers never repeat.</summary>
    public ulong NodeId { get; }

    public string Name => Options.Name;

    public bool Stopping => _stopping;

    // Owners, for the driver's queries, the simulator's invariants and tests.
    internal LinkTable Links => _links;
    internal Flooding Flooding => _flooding;
    internal HistorySync History => _history;
    internal Presence Presence => _presence;
    internal Membership Membership => _membership;

    public int DirectPeerCount => _links.DistinctPeers;

    /// <summary>Distinct peers with an open link, one entry each.</summary>
    public IReadOnlyList<PeerInfo> DirectPeers()
    {
        var seen = new Dictionary<ulong, PeerInfo>();
        foreach (CoreLink link in _links.Open)
            seen.TryAdd(link.Peer!.NodeId, link.Peer);
        return [.. seen.Values];
    }

    /// <summary>True when every link that was open when we started leaving was drained and confirmed by its peer.</summary>
    public bool LeftCleanly => _confirmed == _carried;

    /// <summary>Sets where we listen (announced in HELLO).</summary>
    public void Start(ushort listenPort)
    {
        _hello = new byte[FrameWriter.HelloSize(_nameUtf8)];
        FrameWriter.WriteHello(_hello, NodeId, listenPort, _nameUtf8);
    }

    /// <summary>An inbound connection from <paramref name="remote"/>: its link id, or -1 when refused (the driver closes
    /// the socket). The driver then calls Connected.</summary>
    public int Accept(IPEndPoint remote, long now)
    {
        if (_stopping || _links.Count >= Options.MaxConnections)
        {
            if (!_stopping)
                NoteStranger(remote, new LinkClose(CloseKind.TooManyLinks, $"already {Options.MaxConnections}"), now);
            return -1;
        }
        return _links.Create(outbound: false, remote, now).Id;
    }

    /// <summary>The user joins through <paramref name="to"/>: a link id whose handshake (ICoreEffects.Opened) or close
    /// tells the outcome. Its address is pinned in the address book once it opens.</summary>
    public int Join(IPEndPoint to, long now) => StartConnect(to, attempt: null, userJoin: true, now);

    private int StartConnect(IPEndPoint to, AddressBook.Entry? attempt, bool userJoin, long now)
    {
        CoreLink link = _links.Create(outbound: true, to, now);
        link.Deadline = now + (long)Options.ConnectTimeout.TotalMilliseconds;
        link.Attempt = attempt;
        link.UserJoin = userJoin;
        _effects.Connect(link.Id, to);
        return link.Id;
    }

    /// <summary>The connection of <paramref name="id"/> is up (connected out, or accepted): send HELLO.</summary>
    public void Connected(int id, long now)
    {
        if (_links.Find(id) is not { State: LinkState.Connecting } link)
            return;
        link.State = LinkState.Handshaking;
        link.Deadline = now + (long)Options.HandshakeTimeout.TotalMilliseconds;
        link.LastReceived = now;
        _links.Send(link, _hello, now, handshake: true);
        _membership.SendPeersTo(link, now);
        Settle(now);
    }

    /// <summary>Bytes arrived on <paramref name="id"/>. Handles every whole frame in <paramref name="data"/> and returns
    /// the bytes it consumed; the caller keeps the rest (a frame split across reads) and passes it again with more.</summary>
    public int Receive(int id, ReadOnlySpan<byte> data, long now)
    {
        if (_links.Find(id) is not { } link || link.State is LinkState.Connecting or LinkState.Closed)
            return data.Length;
        link.LastReceived = now;
        int consumed = 0;
        while (true)
        {
            FrameStatus status = FrameReader.TryReadFrame(data[consumed..], out ReadOnlySpan<byte> body, out int used);
            if (status == FrameStatus.Incomplete)
                break;
            if (status != FrameStatus.Complete)
            {
                CloseLink(link, new LinkClose(CloseKind.ProtocolError,
                    status == FrameStatus.TooLarge ? $"frame larger than {Protocol.MaxFrameBody} bytes" : "empty frame"), now);
                consumed = data.Length;
                break;
            }
            string? error = OnFrame(link, body, data.Slice(consumed, used), now);
            consumed += used;
            if (error is not null)
            {
                CloseLink(link, new LinkClose(CloseKind.ProtocolError, error), now);
                consumed = data.Length;
                break;
            }
            if (link.State == LinkState.Closed)
            {
                consumed = data.Length;
                break;
            }
        }
        Settle(now);
        return consumed;
    }

    private string? OnFrame(CoreLink from, ReadOnlySpan<byte> body, ReadOnlySpan<byte> frame, long now)
    {
        if (from.State == LinkState.Handshaking)
            return OnHello(from, body, now);
        return (FrameType)body[0] switch
        {
            FrameType.Chat or FrameType.Replay => _flooding.OnChat(from, body, frame, from == _history.Source, now),
            FrameType.Prune => _flooding.OnPrune(from, body),
            FrameType.Unprune => Flooding.OnUnprune(from, body),
            FrameType.Sync => _history.OnSync(from, body, now),
            FrameType.Synced => _history.OnSynced(from, body, now),
            FrameType.Peers => _membership.OnPeers(body, NodeId),
            FrameType.Presence => _presence.OnPresence(from, body, frame, now),
            FrameType.Ping => body.Length == 1 ? null : "malformed PING",
            FrameType.Hello => "a second HELLO",
            _ => $"unknown frame type {body[0]}",
        };
    }

    /// <summary>The first frame of a link, which must be a valid HELLO. Null or the protocol error.</summary>
    private string? OnHello(CoreLink link, ReadOnlySpan<byte> body, long now)
    {
        if (body[0] != (byte)FrameType.Hello)
            return "the first frame was not a HELLO";
        string? error = FrameReader.TryParseHello(body, out HelloView hello);
        if (error is not null)
            return error;
        if (hello.Node == NodeId)
        {
            _membership.ForgetSelf(link);
            CloseLink(link, new LinkClose(CloseKind.Self), now);
            return null;
        }
        if (_stopping)
        {
            CloseLink(link, new LinkClose(CloseKind.ShuttingDown), now);
            return null;
        }
        var peer = new PeerInfo(hello.Node, Encoding.UTF8.GetString(hello.Name), link.Remote, hello.ListenPort, link.Outbound);
        int before = _links.MarkOpen(link, peer, now);
        // A peer back within the grace period never left, so it does not join either.
        bool joined = before == 0 && !_pendingLeaves.Remove(peer.NodeId);
        _flooding.Order.LinkOpened(now);
        _flooding.Order.PathsChanged(now, _links.Open.Length);
        _effects.Opened(link.Id, peer);
        _history.SendSync(link, now);
        _presence.SendTo(link, now);
        _membership.OnLinkOpened(link, now);
        if (joined)
            _effects.OnLinkOpened(peer);
        // Two links to one peer (A joined B while B joined A): only the peer with the lower id decides, so the two sides
        // never retire both; it retires the newer link, gracefully, so nothing in flight is lost.
        if (before > 0 && NodeId < peer.NodeId)
            Retire(link, new LinkClose(CloseKind.Duplicate), now);
        return null;
    }

    /// <summary>Stops flooding to a link and lets it drain: the driver sends what is queued, then FIN, and reports Lost
    /// once the peer has closed its side too (or the drain deadline closes it).</summary>
    private void Retire(CoreLink link, LinkClose reason, long now)
    {
        if (link.State != LinkState.Open)
            return;
        _links.StopFlooding(link);
        link.State = LinkState.Draining;
        link.RetireReason = reason;
        link.Deadline = now + (long)Options.DrainTimeout.TotalMilliseconds;
        _effects.Drain(link.Id);
    }

    /// <summary>The peer closed its side of <paramref name="id"/> (FIN).</summary>
    public void Finished(int id, long now)
    {
        if (_links.Find(id) is not { } link)
            return;
        switch (link.State)
        {
            case LinkState.Open:
                // The peer is leaving, or retiring this link as a duplicate: it still reads until we close, so what we
                // queued for it goes out first, then our FIN (closing now would lose it).
                link.PeerFinished = true;
                Retire(link, new LinkClose(CloseKind.PeerLeft), now);
                break;
            case LinkState.Draining:
                link.PeerFinished = true; // it read everything up to our FIN: the drain is confirmed
                break;
            default:
                CloseLink(link, new LinkClose(CloseKind.ClosedEarly), now);
                break;
        }
        Settle(now);
    }

    /// <summary>The driver closed <paramref name="id"/>: its connection failed or was lost, or both sides finished a
    /// drain (then the link's retire reason is reported, whatever <paramref name="reason"/> says).</summary>
    public void Lost(int id, LinkClose reason, long now)
    {
        if (_links.Find(id) is not { } link)
            return;
        // PeerLeft from the driver means both sides finished: the peer read everything up to our FIN (its own FIN may
        // be reported after this, or not at all).
        bool confirmed = link.State == LinkState.Draining && (link.PeerFinished || reason.Kind == CloseKind.PeerLeft);
        if (confirmed)
            reason = link.RetireReason;
        Remove(link, reason, now, confirmed);
        Settle(now);
    }

    /// <summary>Closes <paramref name="id"/> at once, as a crash or a reset would (fault injection).</summary>
    public void Abort(int id, LinkClose reason, long now)
    {
        if (_links.Find(id) is { } link)
            CloseLink(link, reason, now);
        Settle(now);
    }

    private void CloseLink(CoreLink link, LinkClose reason, long now)
    {
        if (link.State == LinkState.Closed)
            return;
        _effects.Close(link.Id, reason);
        Remove(link, reason, now, confirmed: false);
    }

    /// <param name="confirmed">A drained link whose peer read everything (only the driver's report can say so: a link
    /// we abort may still have had bytes queued).</param>
    private void Remove(CoreLink link, LinkClose reason, long now, bool confirmed)
    {
        bool wasOpen = link.State is LinkState.Open or LinkState.Draining && link.Peer is not null;
        int remaining = _links.Remove(link);
        _membership.OnLinkClosed(link, now);
        _history.OnLinkClosed(link, now);
        if (link.CarriedAtLeave && confirmed)
            _confirmed++;
        if (_stopping)
            return;
        if (wasOpen)
        {
            _flooding.Order.PathsChanged(now, _links.Open.Length);
            RepairLinks(now);
            if (remaining == 0)
            {
                if (now - link.OpenedAt < LeaveGraceMs)
                    _pendingLeaves[link.Peer!.NodeId] = (link.Peer, reason, now + LeaveGraceMs);
                else
                    _effects.OnLinkClosed(link.Peer!, reason);
            }
        }
        else if (!link.Outbound)
        {
            NoteStranger(link.Remote, reason, now);
        }
    }

    /// <summary>After losing a link (or finding lines missing): the relay paths pruned around it may have gone with it.
    /// Every neighbour relays everything to us again (until duplicates prune the mesh anew), and a SYNC fetches what was
    /// missed meanwhile.</summary>
    private void RepairLinks(long now)
    {
        foreach (CoreLink link in _links.Open)
        {
            link.ForgetAskedPrunes();
            _links.Send(link, UnpruneFrame, now);
            _history.SendSync(link, now);
        }
    }

    /// <summary>A connection that never became a peer (a port scan, a stranger, a refused one): counted, and told at
    /// most once a minute, so fifty scans do not fill the chat.</summary>
    private void NoteStranger(IPEndPoint remote, LinkClose reason, long now)
    {
        _strangers++;
        if (now < _nextStrangerNotice)
            return;
        _nextStrangerNotice = now + StrangerNoticeMs;
        _effects.OnNotice(_strangers == 1
            ? $"refused a connection from {remote}: {reason}"
            : $"refused {_strangers} connections that never became peers; the last from {remote}: {reason}");
        _strangers = 0;
    }

    /// <summary>Four times a second: deadlines of links, heartbeats, presence, membership, held lines and repairs.</summary>
    public void Tick(long now)
    {
        long deadAfter = (long)Options.DeadAfter.TotalMilliseconds;
        long heartbeat = (long)Options.HeartbeatInterval.TotalMilliseconds;
        _snapshot.Clear();
        _snapshot.AddRange(_links.All);
        foreach (CoreLink link in _snapshot)
        {
            switch (link.State)
            {
                case LinkState.Connecting when now > link.Deadline:
                    CloseLink(link, new LinkClose(CloseKind.ConnectTimeout, $"{Options.ConnectTimeout.TotalSeconds:0.#} s"), now);
                    break;
                case LinkState.Handshaking when now > link.Deadline:
                    CloseLink(link, new LinkClose(CloseKind.HandshakeTimeout, $"{Options.HandshakeTimeout.TotalSeconds:0.#} s"), now);
                    break;
                case LinkState.Draining when now > link.Deadline:
                    CloseLink(link, new LinkClose(CloseKind.DrainTimeout), now);
                    break;
                // A draining link whose peer has finished sends nothing more: only the drain deadline applies to it.
                case LinkState.Open or LinkState.Draining when now - link.LastReceived > deadAfter && !link.PeerFinished:
                    CloseLink(link, new LinkClose(CloseKind.Silent, $"for {Options.DeadAfter.TotalSeconds:0.#} s"), now);
                    break;
                case LinkState.Open when now - link.LastSent >= heartbeat:
                    _links.Send(link, PingFrame, now);
                    break;
            }
        }
        if (!_stopping)
        {
            ReportDueLeaves(now);
            _presence.Tick(now);
            if (_flooding.Tick(now))
                RepairLinks(now);
            foreach (ulong sender in _wantedSenders)
                if (_membership.DirectCandidate(sender, now) is { } direct)
                    StartConnect(direct.EndPoint, direct, userJoin: false, now);
            _wantedSenders.Clear();
            _history.AnswerDeferred(now);
            if (_membership.Tick(now) is { } candidate)
                StartConnect(candidate.EndPoint, candidate, userJoin: false, now);
        }
        Settle(now);
    }

    private void ReportDueLeaves(long now)
    {
        if (_pendingLeaves.Count == 0)
            return;
        foreach ((ulong node, (PeerInfo peer, LinkClose reason, long due)) in _pendingLeaves)
        {
            if (now < due)
                continue;
            _pendingLeaves.Remove(node);
            _effects.OnLinkClosed(peer, reason);
        }
    }

    /// <summary>Says <paramref name="utf8"/> (1 to Protocol.MaxTextBytes of valid UTF-8) to every peer.</summary>
    public MessageId Say(ReadOnlySpan<byte> utf8, long timeMs, long now)
    {
        MessageId id = _flooding.Say(utf8, timeMs, now);
        Settle(now);
        return id;
    }

    /// <summary>Leaves the network: floods BYE, then drains every open link (what we queued is sent, and the peer
    /// confirms by closing its side). The driver waits until every link is closed (LinkCount 0) or a deadline.</summary>
    public void Leave(long now)
    {
        if (_stopping)
            return;
        _presence.AnnounceLeaving(now);
        _stopping = true;
        _snapshot.Clear();
        _snapshot.AddRange(_links.All);
        foreach (CoreLink link in _snapshot)
        {
            if (link.State == LinkState.Open)
            {
                link.CarriedAtLeave = true;
                _carried++;
                Retire(link, new LinkClose(CloseKind.Leaving), now);
            }
            else if (link.State != LinkState.Draining)
            {
                CloseLink(link, new LinkClose(CloseKind.ShuttingDown), now);
            }
        }
        Settle(now);
    }

    /// <summary>Closes the links whose queue overflowed during the input just handled (closing one may send repairs that
    /// overflow another, hence the loop).</summary>
    private void Settle(long now)
    {
        while (_links.TakeOverflowed(out CoreLink link))
            if (link.State != LinkState.Closed)
                CloseLink(link, new LinkClose(CloseKind.PeerNotReading, $"more than {Options.MaxQueueBytes / 1024} KiB waiting for it"), now);
    }
}
