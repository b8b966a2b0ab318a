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

    /// <summary>Largest handshake record (Noise messages here are 32, 96 and 64 bytes): a bigger length is refused at
    /// once, before its bytes are awaited.</summary>
    public const int MaxHandshakeRecord = 256;

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
    private readonly SelfName _name;
    private readonly NodeKeys _keys;
    private readonly byte[] _plain = new byte[Protocol.MaxRecordPlaintext];
    private readonly byte[] _handshakeRecord = new byte[Protocol.RecordHeaderSize + 256];
    private readonly Dictionary<ulong, (PeerInfo Peer, LinkClose Reason, long Due)> _pendingLeaves = [];
    private readonly List<CoreLink> _snapshot = [];
    private readonly List<ulong> _wantedSenders = [];
    private byte[] _hello = [];
    private byte[] _helloSigned = [];
    private ushort _listenPort;
    private bool _stopping;
    private int _carried;
    private int _confirmed;
    private long _strangers;
    private long _nextStrangerNotice;

    public NodeCore(NodeOptions options, NodeKeys keys, Random random, ICoreEffects effects)
    {
        ulong nodeId = keys.NodeId;
        Options = options;
        NodeId = nodeId;
        _keys = keys;
        _effects = effects;
        _name = new SelfName(options.Name);
        if (!TextRules.IsValidName(_name.Utf8))
            throw new ArgumentException(TextRules.ExplainBadName(options.Name) ?? "invalid name", nameof(options));
        _links = new LinkTable(effects);
        _flooding = new Flooding(options, keys, _name, _links, effects);
        _history = new HistorySync(options, nodeId, _links, _flooding);
        _presence = new Presence(options, keys, _name, _links, _flooding, effects);
        _membership = new Membership(options, _links, _presence, random);
        _flooding.WantSender = node => _wantedSenders.Add(node);
        _flooding.HeardFrom = _presence.Roster.HeardFrom;
        _flooding.Tags = new LineTags(keys, _presence.Roster);
    }

    public NodeOptions Options { get; }

    /// <summary>Derived from the user's key and a random epoch per process (NodeKeys), so a restarted peer is a new
    /// origin and sequence numbers never repeat.</summary>
    public ulong NodeId { get; }

    public NodeKeys Keys => _keys;

    /// <summary>Our name now (Options.Name until a Rename).</summary>
    public string Name => _name.Text;

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
        _listenPort = listenPort;
        _hello = new byte[FrameWriter.HelloSize(_name.Utf8)];
        FrameWriter.WriteHello(_hello, _keys.Identity.Public, _keys.Epoch, listenPort, _name.Utf8);
    }

    /// <summary>Takes <paramref name="name"/> as ours (:nick): lines said from now on carry it, links made from now on
    /// are greeted with it, and an announcement tells everyone (Presence.Renamed), who show "old is now new". Lines said
    /// before keep the name they were signed with. Returns why not (an invalid name), else null.</summary>
    public string? Rename(string name, long now)
    {
        if (!TextRules.IsValidName(Encoding.UTF8.GetBytes(name)))
            return TextRules.ExplainBadName(name) ?? "invalid name";
        if (name == _name.Text)
            return null;
        Settle(now); // lines said with "more" go out under the name they were said with
        _name.Set(name);
        if (_hello.Length > 0)
            Start(_listenPort);
        _presence.Renamed(now);
        return null;
    }

    /// <summary>Bytes arrived on <paramref name="id"/>. Handles every whole record in <paramref name="data"/> and returns
    /// the bytes it consumed; the caller keeps the rest (a record split across reads, or records left while the link is
    /// over its budget: ReadableAt) and passes it again, as it was, with more.</summary>
    public int Receive(int id, ReadOnlySpan<byte> data, long now)
    {
        if (_links.Find(id) is not { Channel: not null } link || link.State is LinkState.Connecting or LinkState.Closed)
            return data.Length;
        link.LastReceived = now;
        int consumed = 0;
        while (link.State != LinkState.Closed && data.Length - consumed >= Protocol.RecordHeaderSize)
        {
            if (link.State is LinkState.Open or LinkState.Draining && RunsAhead(link, now))
            {
                StoppedAhead++;
                break;
            }
            int length = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(data[consumed..]);
            if (length == 0 || length > Protocol.MaxRecord || length > MaxHandshakeRecord && !link.Channel.IsEstablished)
            {
                CloseLink(link, new LinkClose(CloseKind.ProtocolError, length == 0 ? "empty record"
                    : link.Channel.IsEstablished ? $"record larger than {Protocol.MaxRecord} bytes"
                    : $"handshake record larger than {MaxHandshakeRecord} bytes: not a p2pchat peer"), now);
                break;
            }
            if (data.Length - consumed < Protocol.RecordHeaderSize + length)
                break;
            ReadOnlySpan<byte> record = data.Slice(consumed + Protocol.RecordHeaderSize, length);
            bool stopped = false, overBudget = false;
            string? error = link.Channel.IsEstablished
                ? OnRecord(link, record, now, out stopped, out overBudget)
                : OnHandshake(link, record, now);
            if (error is not null)
            {
                CloseLink(link, new LinkClose(CloseKind.ProtocolError, error), now);
                break;
            }
            // Over budget while others talk: the rest waits for ReadableAt (the driver keeps it and hands it back before
            // it reads more), the record stopped in included, its frames from where it stopped. A flood of lines said
            // alone would otherwise be checked a record (up to ~240 lines) at a time, and someone else's line behind it.
            if (stopped)
            {
                StoppedEarly++;
                break;
            }
            consumed += Protocol.RecordHeaderSize + length;
            if (overBudget && consumed < data.Length && OthersCarryLines(link, now))
            {
                StoppedEarly++;
                break;
            }
        }
        if (link.State == LinkState.Closed)
            consumed = data.Length;
        Settle(now);
        return consumed;
    }

    /// <summary>A transport record: opened, then each whole frame in it handled in order, each charged to the link's
    /// budget. Null or the protocol error. <paramref name="stopped"/>: the link went over its budget with frames left
    /// while others talk; they wait in the link (ResumePlain) and the record is not consumed. <paramref name="overBudget"/>:
    /// the link is over its budget after the record.</summary>
    private string? OnRecord(CoreLink link, ReadOnlySpan<byte> record, long now, out bool stopped, out bool overBudget)
    {
        stopped = overBudget = false;
        if (record.Length == 1 && link.State == LinkState.Handshaking)
            return OnAlert(link, record[0], now);
        ReadOnlySpan<byte> frames;
        int at = 0;
        if (link.ResumeAt > 0)
        {
            // The record the last Receive stopped in, handed back: opened already (its nonce is spent).
            frames = link.ResumePlain.AsSpan(0, link.ResumeLength);
            at = link.ResumeAt;
            link.ResumeAt = 0;
        }
        else
        {
            if (!link.Channel!.Open(record, _plain, out int length))
                return "a record failed authentication (altered, replayed or out of order)";
            frames = _plain.AsSpan(0, length);
        }
        // A link whose queue overflowed is closed at the end of the input: the rest of its record is not read (a record
        // of SYNCs would otherwise be answered again and again past the full queue; fuzz seed session 1).
        while (at < frames.Length && link.State != LinkState.Closed && !_links.IsOverflowed(link))
        {
            if (overBudget && OthersCarryLines(link, now))
            {
                if (link.ResumePlain is null || !frames.Overlaps(link.ResumePlain))
                {
                    link.ResumePlain ??= new byte[Protocol.MaxRecordPlaintext];
                    frames.CopyTo(link.ResumePlain);
                    link.ResumeLength = frames.Length;
                }
                link.ResumeAt = at;
                stopped = true;
                return null;
            }
            FrameStatus status = FrameReader.TryReadFrame(frames[at..], out ReadOnlySpan<byte> body, out int used);
            if (status != FrameStatus.Complete)
                return status switch
                {
                    FrameStatus.TooLarge => $"frame larger than {Protocol.MaxFrameBody} bytes",
                    FrameStatus.Empty => "empty frame",
                    _ => "a frame split across records",
                };
            long checkedBefore = _keys.Signatures.Checked, linesBefore = _flooding.ChatFramesReceived;
            string? error = OnFrame(link, body, frames.Slice(at, used), now);
            if (error is not null)
                return error;
            at += used;
            overBudget = Charge(link, _keys.Signatures.Checked - checkedBefore,
                _flooding.ChatFramesReceived - linesBefore, now);
        }
        return null;
    }

    private string? OnFrame(CoreLink from, ReadOnlySpan<byte> body, ReadOnlySpan<byte> frame, long now)
    {
        if (from.State == LinkState.Handshaking)
            return OnHello(from, body, now);
        return (FrameType)body[0] switch
        {
            FrameType.Chat or FrameType.Replay or FrameType.ChatUnchecked => _flooding.OnChat(from, body, frame, from == _history.Source, now),
            FrameType.Prune => _flooding.OnPrune(from, body),
            FrameType.Have => _flooding.OnHave(from, body, _presence.Roster, now),
            FrameType.Suspect => _presence.OnSuspect(from, body, frame, now),
            FrameType.RosterDigest => _presence.OnDigest(from, body, now),
            FrameType.Want => _presence.OnWant(from, body, now),
            FrameType.Busy => Membership.OnBusy(from, body),
            FrameType.Unprune => Flooding.OnUnprune(from, body),
            FrameType.Sync => _history.OnSync(from, body, now),
            FrameType.Synced => _history.OnSynced(from, body, now),
            FrameType.Peers => _membership.OnPeers(from, body, NodeId, now),
            FrameType.Presence => _presence.OnPresence(from, body, frame, now),
            FrameType.Ping => body.Length == 1 ? null : "malformed PING",
            FrameType.Hello => "a second HELLO",
            _ => $"unknown frame type {body[0]}",
        };
    }

    /// <summary>Says <paramref name="utf8"/> (1 to Protocol.MaxTextBytes of valid UTF-8) to every peer. With
    /// <paramref name="more"/> the line waits for the rest of its batch (the driver reads several lines at once): one
    /// signature covers up to MaxBatchLines lines, sent at the end of the next input that is not another such Say (or
    /// Flush), so a batch costs no more latency than reading it did.</summary>
    public MessageId Say(ReadOnlySpan<byte> utf8, long timeMs, long now, bool more = false)
    {
        MessageId id = _flooding.Say(utf8, timeMs, now);
        if (!more)
            Settle(now);
        return id;
    }

    /// <summary>Says <paramref name="utf8"/> to member <paramref name="to"/> alone: a line sealed to its key (PrivateLine),
    /// relayed and kept like any other. Throws when that member is not online here or announced no key.</summary>
    public MessageId SayPrivate(ulong to, ReadOnlySpan<byte> utf8, long timeMs, long now)
    {
        if (_presence.Online(to) is not { Box.Length: Protocol.KeySize } member)
            throw new ArgumentException("that user is not online (or announced no key for private messages)", nameof(to));
        return Say(PrivateLine.Seal(_keys, member.NodeId, member.Box.Span, utf8), timeMs, now);
    }

    /// <summary>Sends the lines said with "more" (and everything else queued).</summary>
    public void Flush(long now) => Settle(now);

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

    /// <summary>At the end of every input: our own lines said meanwhile are signed and sent, what each link has queued
    /// is sealed into one record, and the links whose queue overflowed are closed (closing one may send repairs that
    /// overflow another, hence the loop).</summary>
    private void Settle(long now)
    {
        _flooding.FlushSaid(now);
        _links.FlushAll();
        while (_links.TakeOverflowed(out CoreLink link))
        {
            if (link.State != LinkState.Closed)
                CloseLink(link, new LinkClose(CloseKind.PeerNotReading, $"more than {Options.MaxQueueBytes / 1024} KiB waiting for it"), now);
            _links.FlushAll();
        }
    }
}
