// The protocol core of one chat node: plain state machines, no I/O. Inputs are the methods below (a link connected,
// bytes arrived, the peer finished, the link was lost, the time is now, the user said something, we leave); outputs
// go to ICoreEffects (send, connect, drain, close, and events for the UI). No sockets, threads, locks or clocks in
// here: time comes with every input and randomness from the Random handed in, so the same inputs give the same
// outputs, byte for byte (the simulator in tests/ depends on that). Not thread-safe: one caller at a time.
// State is split by owner: LinkTable (links), Flooding (duplicates, order, log), HistorySync (SYNC and horizon),
// Presence (roster), Membership (address book, connections to make). This file reads frames and hands each to its
// owner; the link life cycle is in NodeCore.Links.cs, the timer in NodeCore.Tick.cs.
using System.Net;
using System.Text;

namespace P2PChat.Net;

internal sealed partial class NodeCore
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
