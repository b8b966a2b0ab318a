// The link life cycle in the core: connections made and accepted, the HELLO handshake, duplicate links retired by
// draining, a peer's FIN, links lost or aborted, and what a lost link sets off (repairs, the "link closed" report, held
// back for a moment in case it was a retired duplicate). A partial of NodeCore, which owns the fields.
using System.Net;
using System.Text;

namespace P2PChat.Net;

internal sealed partial class NodeCore
{
    /// <summary>Handshakes in progress from one address (beyond it that address is refused until one finishes).</summary>
    public const int MaxHandshakesPerAddress = 4;

    /// <summary>An inbound connection from <paramref name="remote"/>: its link id, or -1 when refused (the driver closes
    /// the socket). The driver then calls Connected.</summary>
    public int Accept(IPEndPoint remote, long now)
    {
        if (_stopping)
            return -1;
        // Strangers still in their handshake have a budget of their own, so idle or slow connections cannot take the
        // places of peers: past it the oldest stranger makes room if it has had a second (a handshake takes a few
        // round trips), and a newcomer still gets in; if all are younger, the newcomer is refused (no churn: evicting
        // the young would let a connection flood turn every accept into handshake work).
        CoreLink? oldest = null;
        int strangers = 0;
        int fromThere = 0;
        foreach (CoreLink link in _links.All)
        {
            if (link.Outbound || link.Peer is not null || link.State is not (LinkState.Connecting or LinkState.Handshaking))
                continue;
            strangers++;
            if (link.Remote.Address.Equals(remote.Address))
                fromThere++;
            if (oldest is null || link.Id < oldest.Id)
                oldest = link;
        }
        // One address (one machine) holds at most a few of those places, so one attacker never fills them all.
        if (fromThere >= MaxHandshakesPerAddress)
        {
            NoteStranger(remote, new LinkClose(CloseKind.TooManyLinks, $"{fromThere} handshakes from that address already in progress"), now);
            return -1;
        }
        if (strangers >= Options.MaxHandshakes && (oldest is null || now - oldest.CreatedAt < (long)Options.StrangerGrace.TotalMilliseconds))
        {
            NoteStranger(remote, new LinkClose(CloseKind.TooManyLinks, $"{Options.MaxHandshakes} handshakes already in progress"), now);
            return -1;
        }
        if (strangers >= Options.MaxHandshakes && oldest is not null)
        {
            CloseLink(oldest, new LinkClose(CloseKind.TooManyLinks, $"{Options.MaxHandshakes} handshakes already in progress; the oldest made room"), now);
            Settle(now);
        }
        else if (_links.Count - strangers >= Options.MaxConnections)
        {
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

    /// <summary>The connection of <paramref name="id"/> is up: the encrypted handshake starts (the side that connected
    /// sends Noise message 1).</summary>
    public void Connected(int id, long now)
    {
        if (_links.Find(id) is not { State: LinkState.Connecting } link)
            return;
        link.State = LinkState.Handshaking;
        link.Deadline = now + (long)Options.HandshakeTimeout.TotalMilliseconds;
        link.LastReceived = now;
        link.Channel = new SecureChannel(initiator: link.Outbound, _keys);
        if (link.Outbound)
            _links.SendRaw(link, _handshakeRecord.AsSpan(0, link.Channel.WriteHandshake(_handshakeRecord)));
        Settle(now);
    }

    private static ReadOnlySpan<byte> HelloLabel => "p2pchat hello 2"u8;

    /// <summary>A Noise handshake message. Null or the protocol error. A responder whose last message fails tells the
    /// initiator why (an alert record) before closing: that is a different room secret, or someone altering bytes.</summary>
    private string? OnHandshake(CoreLink link, ReadOnlySpan<byte> record, long now)
    {
        if (link.State == LinkState.Draining)
            return null; // refused after its alert: what it still sends is not read
        SecureChannel channel = link.Channel!;
        if (!channel.Initiator && link.HandshakeMessages == 0 && OwnConnection(record) is { } ours)
        {
            // Our own message 1 came back: we connected to ourselves. The joining side is told so; this side is quiet.
            _membership.ForgetSelf(ours);
            CloseLink(ours, new LinkClose(CloseKind.Self), now);
            CloseLink(link, new LinkClose(CloseKind.Self), now);
            return null;
        }
        bool last = !channel.Initiator && link.HandshakeMessages == 1; // a responder's message 3
        link.HandshakeMessages++;
        if (!channel.ReadHandshake(record))
        {
            if (!last)
                return "not a p2pchat peer, or a different protocol version (encrypted handshake failed)";
            // Drained, not aborted, so the alert reaches the other side before our FIN.
            _links.SendRaw(link, SecureChannel.RoomAlert);
            link.State = LinkState.Draining;
            link.RetireReason = new LinkClose(CloseKind.RoomMismatch);
            link.Deadline = now + (long)Options.DrainTimeout.TotalMilliseconds;
            _effects.Drain(link.Id);
            return null;
        }
        if (channel.MustAnswer)
            _links.SendRaw(link, _handshakeRecord.AsSpan(0, channel.WriteHandshake(_handshakeRecord)));
        // The joining side says HELLO at once; the answering side only once the joiner's HELLO has verified (OnHello),
        // in the same record as what opens the link (PEERS first). A responder that said HELLO here and then left or died
        // before reading the joiner's would have the joiner count its join done with no address to go on.
        if (channel.IsEstablished && channel.Initiator)
            SendHello(link, now);
        return null;
    }

    /// <summary>Our own outbound link whose message 1 this is, if any.</summary>
    private CoreLink? OwnConnection(ReadOnlySpan<byte> message1)
    {
        foreach (CoreLink candidate in _links.All)
            if (candidate.Outbound && candidate.State == LinkState.Handshaking && candidate.Channel!.SentMessage1(message1))
                return candidate;
        return null;
    }

    /// <summary>The first frame inside the channel each way: who we are, signed over the handshake hash, so the HELLO
    /// cannot be replayed on another connection and the identity is bound to this channel's keys.</summary>
    private void SendHello(CoreLink link, long now)
    {
        if (_helloSigned.Length != _hello.Length)
            _helloSigned = new byte[_hello.Length];
        _hello.CopyTo(_helloSigned, 0);
        Span<byte> signature = _helloSigned.AsSpan(_hello.Length - Protocol.SignatureSize);
        _keys.Identity.Sign(HelloMessage(link.Channel!.HandshakeHash, _hello.AsSpan(Protocol.LengthPrefixSize, _hello.Length - Protocol.LengthPrefixSize - Protocol.SignatureSize)), signature);
        _links.Send(link, _helloSigned, now, handshake: true);
    }

    internal static byte[] HelloMessage(ReadOnlySpan<byte> handshakeHash, ReadOnlySpan<byte> signed)
    {
        var message = new byte[HelloLabel.Length + handshakeHash.Length + signed.Length];
        HelloLabel.CopyTo(message);
        handshakeHash.CopyTo(message.AsSpan(HelloLabel.Length));
        signed.CopyTo(message.AsSpan(HelloLabel.Length + handshakeHash.Length));
        return message;
    }

    /// <summary>An alert from a responder that could not finish our handshake.</summary>
    private string? OnAlert(CoreLink link, byte code, long now)
    {
        if (code != SecureChannel.AlertRoomSecret)
            return $"unknown alert {code}";
        CloseLink(link, new LinkClose(CloseKind.RoomMismatch), now);
        return null;
    }

    /// <summary>The first frame of a link, which must be a valid HELLO signed by the key it names. Null or the
    /// protocol error.</summary>
    private string? OnHello(CoreLink link, ReadOnlySpan<byte> body, long now)
    {
        if (body[0] != (byte)FrameType.Hello)
            return "the first frame was not a HELLO";
        string? error = FrameReader.TryParseHello(body, out HelloView hello);
        if (error is not null)
            return error;
        if (!Crypto.IdentityKey.Verify(hello.Key, HelloMessage(link.Channel!.HandshakeHash, hello.Signed), hello.Signature))
            return "the HELLO signature does not verify";
        ulong node = NodeKeys.Origin(hello.Key, hello.Epoch);
        if (node == NodeId)
        {
            _membership.ForgetSelf(link);
            CloseLink(link, new LinkClose(CloseKind.Self), now);
            return null;
        }
        if (node == 0)
            return "a HELLO whose key and epoch give node id 0";
        if (_stopping)
        {
            CloseLink(link, new LinkClose(CloseKind.ShuttingDown), now);
            return null;
        }
        var peer = new PeerInfo(node, Encoding.UTF8.GetString(hello.Name), link.Remote, hello.ListenPort, link.Outbound)
        {
            Key = hello.Key.ToArray(),
        };
        if (!link.Channel.Initiator)
            SendHello(link, now); // while still handshaking; the frames below follow it in the same record
        int before = _links.MarkOpen(link, peer, now);
        // A peer back within the grace period never left, so it does not join either.
        bool joined = before == 0 && !_pendingLeaves.Remove(peer.NodeId);
        _flooding.Order.LinkOpened(now);
        _flooding.Order.PathsChanged(now, _links.Open.Length);
        _effects.Opened(link.Id, peer);
        // PEERS first, so that it rides in the record with our HELLO whatever the roster's size: a newcomer that has
        // our HELLO has other addresses to go on if we die next. Only now: a stranger never learns the network's addresses.
        _membership.OnLinkOpened(link, now);
        _history.SendSync(link, now);
        _presence.SendTo(link, now);
        _flooding.PruneKnown(link, _presence.Roster, now);
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
        _links.Flush(link); // what is queued goes out before the FIN
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
        if (confirmed || link.State == LinkState.Draining && link.Peer is null)
            reason = link.RetireReason; // a refused handshake drained after its alert: why it was refused
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
        _membership.OnLinkClosed(link, reason, now);
        _history.OnLinkClosed(link, now);
        if (link.CarriedAtLeave && confirmed)
            _confirmed++;
        if (_stopping)
            return;
        if (wasOpen)
        {
            _flooding.Order.PathsChanged(now, _links.Open.Length);
            RepairLinks(now);
            if (remaining == 0 && !Membership.WasShed(link, reason))
            {
                _presence.OnLinkLost(link.Peer!.NodeId, now);
                if (now - link.OpenedAt < LeaveGraceMs)
                    _pendingLeaves[link.Peer!.NodeId] = (link.Peer, reason, now + LeaveGraceMs);
                else
                    _effects.OnLinkClosed(link.Peer!, reason);
            }
        }
        else if (!link.Outbound && reason.Kind != CloseKind.Self)
        {
            NoteStranger(link.Remote, reason, now);
        }
    }

    /// <summary>After losing a link, or finding lines missing (<paramref name="starved"/>: presence said so): the relay
    /// paths pruned around us may have gone. Every neighbour relays everything to us again (until duplicates prune the
    /// mesh anew), and a SYNC fetches what was missed meanwhile.</summary>
    private void RepairLinks(long now, bool starved = false)
    {
        foreach (CoreLink link in _links.Open)
            Pull(link, now, holdPrunes: starved);
    }

    /// <summary>UNPRUNE and SYNC on <paramref name="link"/>: it relays everything to us again, and answers with what we
    /// missed. For lines we lack (a repair presence asked for, or lines the link said it has: Flooding.Lazy.cs) we then
    /// ask it to prune nothing until the next repair may come: the prunes that starved us can form again at once (two
    /// nodes that keep each other as their only path get nothing), and a node that starved again right after its repair
    /// waited out the interval while a fast sender's lines left every 1,000-line log (simulator seeds 21 and 34).</summary>
    private void Pull(CoreLink link, long now, bool holdPrunes)
    {
        link.ForgetAskedPrunes();
        if (holdPrunes)
            link.NoPruneUntil = now + Flooding.RepairIntervalMs;
        _links.Send(link, UnpruneFrame, now);
        _history.SendSync(link, now);
    }

    /// <summary>Each link that pruned senders whose lines we held back is told how far we have them, once its HAVE is
    /// due (CoreLink.HaveDue) or its ping falls due this tick (SendHeartbeats): then the HAVE goes instead of the ping.
    /// The same for the announcements held back (CoreLink.AnnouncementsDue): a ROSTER naming them.</summary>
    private void SendHaves(long now, long heartbeat)
    {
        Span<byte> frame = stackalloc byte[Flooding.MaxHaveFrameSize];
        foreach (CoreLink link in _links.Open)
        {
            if (link.HasWithheld && (link.HaveDue <= now || PingSoon(link, now, heartbeat)) && Flooding.WriteHave(link, frame) is > 0 and int size)
                _links.Send(link, frame[..size], now);
            if (link.HasWithheldAnnouncements && (link.AnnouncementsDue <= now || PingSoon(link, now, heartbeat)))
                _presence.SendWithheld(link, now);
        }
    }

    private readonly List<CoreLink> _grafts = [];

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
}
