// Self-healing membership. Each node tells its neighbours where its other neighbours listen (PEERS frames), keeps
// what it learns in a bounded AddressBook, and whenever it has fewer than TargetLinks distinct peers it connects to
// known addresses, with jittered exponential backoff per address, preferring peers the roster declared gone (they
// may be on the far side of a split). PEERS goes out the moment a link opens, to the new neighbour and to all the
// others: a network seconds old already knows two hops of addresses, so a crash in its first second leaves no half
// that cannot find the other (issue 9). Having enough links is not enough: when the root of a tree dies, each half
// can keep its target inside itself and never look across. So even at its target a node probes, every
// ProbeIntervalMs, one known address of a peer that presence says is gone: dead ones refuse (and are forgotten after
// a while), live ones on the other side of the split answer, and the halves are one again. Presence learns of deaths
// from the dead member's neighbours (SUSPECT), so a part of the network whose links to the rest all went through
// members that died together (half the network crashing at once) hears of none of the rest dying and counts them all
// online: for UnsettledMs after losing its last link to a peer, a node also probes any known address it has no link
// to, until ExtraProbeLinks of those probes have linked, and so finds the rest if it is there.
// Addresses come only from peers whose HELLO verified (a PEERS frame needs the link's budget, made when it opened), and
// what a member says can cost a third party little: each link adds few new addresses per second, one host gets few
// unverified ports (AddressBook), and dials to addresses we have not shaken hands at draw on a small token bucket.
using System.Net;
using System.Runtime.InteropServices;

namespace P2PChat.Net;

internal sealed partial class Membership(NodeOptions options, LinkTable links, Presence presence, Random random)
{
    /// <summary>How often PEERS is re-sent even when nothing changed, to one neighbour picked at random (a new neighbour
    /// of a neighbour spreads anyway: a link that opens sends PEERS to all). To all of them, this was most of an idle
    /// node's control traffic (a hub of 24 links, 2,333 B/s).</summary>
    public const long PeersRefreshMs = 5000;

    /// <summary>How often a node at its target probes a known peer that is not online (a split to heal).</summary>
    public const long ProbeIntervalMs = 2000;

    /// <summary>How long after losing a peer a node probes any known address (not only those of members gone).</summary>
    public const long UnsettledMs = 30_000;

    /// <summary>How often those probes go while unsettled, until ExtraProbeLinks of them have linked: after many members
    /// died together most known addresses are dead, and a part cut off from the rest finds it only by trying enough of
    /// them in UnsettledMs. At ProbeIntervalMs, every other probe one of any address, that was 7 tries: four survivors of
    /// 5,000 crashed out of 10,000 simulated nodes tried 6 dead addresses each and stayed cut off. Dials to addresses
    /// nobody verified still draw on the dial budget (DialIntervalMs); a refused one costs nobody a handshake; in a
    /// healthy network the first probes link and the pace ends with them.</summary>
    public const long UnsettledProbeIntervalMs = 500;

    /// <summary>Links those probes may make while unsettled: the active view grows by at most this much. Counted by
    /// the probes' own links, not by all links: survivors of a mass crash that kept many links among themselves (ten of
    /// them, five to nine links each, 1,100 simulated nodes) were over a bound on all their links, never probed beyond
    /// the dead, and stayed cut off from the other 540.</summary>
    public const int ExtraProbeLinks = 2;

    /// <summary>Connection attempts at once: one address that does not answer (a dead host: a 5 s timeout) must not
    /// hold up the others.</summary>
    public const int MaxConnecting = 3;

    /// <summary>Dials to learned addresses we have not shaken hands at (since their last failure) that may start at
    /// once, and one more per DialIntervalMs. A node that lost its links makes its first three attempts as fast as
    /// before (one per 250 ms tick: 3 is the default --links and MaxConnecting), then one a second; so whatever a member
    /// puts in everyone's address book, each node dials strangers' addresses at most once a second. Pinned addresses
    /// (the user's) and verified ones (a chat peer answered there) are free: dialling them scans nobody.</summary>
    public const int DialBurst = 3;

    /// <inheritdoc cref="DialBurst"/>
    public const long DialIntervalMs = 1000;

    /// <summary>New address-book entries one link may add: a whole PEERS frame at once (a newcomer learns its
    /// neighbour's view in one go), then one a second. Honest news is a handful of new peers now and then; a member
    /// streaming PEERS of fresh addresses fills our book (and so our dials) no faster than that.</summary>
    public const int NewAddressesBurst = Protocol.MaxPeersPerFrame;

    /// <inheritdoc cref="NewAddressesBurst"/>
    public const long NewAddressIntervalMs = 1000;

    private readonly TokenBucket _dials = new(DialBurst, DialIntervalMs);
    private readonly List<(ulong Node, WireAddress Address)> _parsed = [];

    // What PeersFrame builds each frame in (it is sent before the next is built).
    private readonly byte[] _peersFrame = new byte[FrameWriter.MaxPeersSize];
    private readonly HashSet<ulong> _peersSeen = [];
    private readonly List<AddressBook.Entry> _peersSample = [];
    private CoreLink[] _peersOrder = new CoreLink[8];
    private long _nextProbe;
    private long _unsettledUntil = long.MinValue;
    /// <summary>Links that probes of any address made since the node became unsettled, and the addresses being probed.</summary>
    private int _probeLinks;
    private readonly HashSet<IPEndPoint> _probing = [];
    private bool _alternate;
    private long _peersSentAt;
    private int _connecting;

    /// <summary>Set when a Tick below our target found no address to dial: when to look again, on the idle tick
    /// (long.MinValue: at every tick). Until then a dial below the target is no reason to tick four times a second: in a
    /// network smaller than the target, or once every known address was linked or backing off, every node ticked every
    /// 250 ms for ever (an idle network of 3: 4 ticks a peer and second; now about 1, as any idle node). A new address,
    /// or a link that opens or closes, makes it look again at the next tick.</summary>
    private long _dialCheckAt = long.MinValue;

    public AddressBook Book { get; } = new(random);

    /// <summary>A PEERS frame from <paramref name="from"/>. Only an open link has an address budget (made once its HELLO
    /// verified), so a stranger can never add an address; NodeCore hands it no frame before its HELLO anyway.</summary>
    public string? OnPeers(CoreLink from, ReadOnlySpan<byte> body, ulong self, long now)
    {
        if (from.NewAddresses is not { } budget)
            return "PEERS before a verified HELLO";
        _parsed.Clear();
        string? error = FrameReader.TryParsePeers(body, _parsed);
        if (error is not null)
            return error;
        foreach ((ulong node, WireAddress address) in _parsed)
        {
            // Over budget, news of known addresses is still taken (it refreshes node ids); new ones are dropped, and
            // come again with the next PEERS if they are real.
            if (node == self || !Book.Knows(address) && budget.Available(now) == 0)
                continue;
            if (Book.Learn(address, node))
            {
                budget.TryTake(now);
                _dialCheckAt = long.MinValue;
            }
        }
        return null;
    }

    /// <summary>A link finished its handshake: remember where its peer listens, close the attempt, and tell everyone.</summary>
    public void OnLinkOpened(CoreLink link, long now)
    {
        PeerInfo peer = link.Peer!;
        link.NewAddresses = new TokenBucket(NewAddressesBurst, NewAddressIntervalMs);
        _dialCheckAt = long.MinValue;
        var listen = new IPEndPoint(link.Remote.Address, peer.ListenPort);
        if (link.UserJoin)
            Book.AddPinned(link.Remote); // rejoined whenever links are lost, even after it restarts
        Book.Learn(listen, peer.NodeId);
        if (link.Attempt is { } attempt)
        {
            if (_probing.Remove(attempt.EndPoint))
                _probeLinks++;
            Book.Succeeded(attempt, peer.NodeId);
            link.Attempt = null;
            _connecting--;
        }
        SendPeers(now);
    }

    /// <summary>A link closed; an attempt that never opened counts as a failure of its address.</summary>
    public void OnLinkClosed(CoreLink link, LinkClose reason, long now)
    {
        _dialCheckAt = long.MinValue;
        if (link.Peer is { } peer && !links.IsLinkedTo(peer.NodeId) && link.RetireReason.Kind != CloseKind.Duplicate
            && !WasShed(link, reason))
        {
            if (now >= _unsettledUntil)
                _probeLinks = 0;
            _unsettledUntil = now + UnsettledMs;
        }
        if (link.Attempt is { } attempt)
        {
            _probing.Remove(attempt.EndPoint);
            Book.Failed(attempt, now);
            link.Attempt = null;
            _connecting--;
        }
        if (link.AskedToGo && link.Peer is { } busy)
            BackOffBusy(busy.NodeId, now);
    }

    /// <summary>An address of <paramref name="node"/> to link to directly (its lines are missing here and nobody around
    /// has them), above the target; null when we have a link to it, know no address, or one is being tried.</summary>
    public AddressBook.Entry? DirectCandidate(ulong node, long now)
    {
        if (node == 0 || links.IsLinkedTo(node) || _connecting >= MaxConnecting)
            return null;
        foreach (AddressBook.Entry entry in Book.Entries)
        {
            if (entry.NodeId != node || entry.NextAttempt > now || !Free(entry) && !_dials.TryTake(now))
                continue;
            _connecting++;
            entry.NextAttempt = now + (long)options.ConnectTimeout.TotalMilliseconds;
            return entry;
        }
        return null;
    }

    /// <summary>Whether Tick has work for every tick (NodeCore.NextTick): a dial below our target, a BUSY to send or a
    /// link to retire. PEERS refreshes and probes are not worth a tick of their own: they go on the next one, at most
    /// NodeCore.IdleTickMs late.</summary>
    public bool Busy()
    {
        if (options.TargetLinks <= 0)
            return false;
        if (links.Open.Length > MaxActive || links.DistinctPeers > options.TargetLinks && AskedToGo() > 0)
            return true; // someone to ask to go, or a link to retire
        return _connecting < MaxConnecting && links.DistinctPeers - AskedToGo() < options.TargetLinks
            && _dialCheckAt == long.MinValue;
    }

    /// <summary>When a node below its target that found nothing to dial looks again (long.MaxValue: no such wait).</summary>
    public long NextDialCheck => _dialCheckAt == long.MinValue ? long.MaxValue : _dialCheckAt;

    /// <summary>When the next probe is due while it may pick any address (unsettled, after losing a peer): a part of the
    /// network cut off from the rest finds it only by these, so they keep their pace; else long.MaxValue (a probe for
    /// members gone goes on whichever tick comes).</summary>
    public long NextProbe(long now) =>
        options.TargetLinks > 0 && _connecting < MaxConnecting && now < _unsettledUntil ? _nextProbe : long.MaxValue;

    /// <summary>The address was this node itself.</summary>
    public void ForgetSelf(CoreLink link) => Book.Forget(link.Remote);

    /// <summary>On the timer: refresh PEERS, and pick an address to connect to (null: none now). The caller makes the
    /// link and sets its Attempt.</summary>
    public AddressBook.Entry? Tick(long now)
    {
        if (now - _peersSentAt >= PeersRefreshMs)
            SendPeers(now, toOne: true);
        AskToGo(now);
        if (options.TargetLinks <= 0 || _connecting >= MaxConnecting)
            return null;
        bool below = links.DistinctPeers - AskedToGo() < options.TargetLinks; // a link we were asked to drop is on its way out
        if (!below)
            _dialCheckAt = long.MinValue;
        bool probe = now >= _nextProbe;
        if (!below && !probe)
            return null;
        bool broke = _dials.Available(now) == 0;
        // Addresses of members gone first (the far side of a split), then, if <paramref name="any"/>, any other. While
        // unsettled, every other pick ignores the preference: after many members died together, the addresses of the
        // dead (gone too) come back from their short backoff again and again, and were all a node tried.
        AddressBook.Entry? Pick(bool any, bool alternate)
        {
            _alternate = alternate && !_alternate;
            return (_alternate ? null : Book.NextCandidate(now, (this, broke, LostOnly: true), SkipCandidate))
                ?? (any ? Book.NextCandidate(now, (this, broke, LostOnly: false), SkipCandidate) : null);
        }
        bool unsettled = now < _unsettledUntil;
        AddressBook.Entry? candidate;
        if (below)
        {
            candidate = Pick(any: true, alternate: unsettled);
            // Nothing now: a backoff running out or a dial token coming back is looked for on the idle tick (strangers'
            // addresses are dialled at most once a second anyway; a check a second later fell between idle ticks and
            // made 1.1-1.3 ticks a second of 0.8), news of an address at once.
            _dialCheckAt = candidate is null ? now + NodeCore.IdleTickMs : long.MinValue;
        }
        else
        {
            bool any = unsettled && _probeLinks < ExtraProbeLinks;
            _nextProbe = now + (any ? UnsettledProbeIntervalMs : ProbeIntervalMs);
            candidate = Pick(any, alternate: any);
            if (any && candidate is not null)
                _probing.Add(candidate.EndPoint);
        }
        if (candidate is null)
            return null;
        if (!Free(candidate))
            _dials.TryTake(now);
        _connecting++;
        candidate.NextAttempt = now + (long)options.ConnectTimeout.TotalMilliseconds; // not again meanwhile
        return candidate;
    }

    /// <summary>Whether Tick passes over <paramref name="e"/>: linked already, or a dial that needs a token when none is
    /// left, or (LostOnly) not the address of a member declared gone. Only members declared gone: with the roster full
    /// (Protocol.MaxMembers), every member past it is unknown here, and when unknown ones counted, every node at its
    /// target probed one of them every ProbeIntervalMs (1,100 simulated nodes: a link opened and shed again and again,
    /// each with a roster digest both ways, 30 KB/s of control traffic per node against 0.7). Static, with its state
    /// handed in: a lambda over Tick's locals was two delegates and a closure each tick that looked.</summary>
    private static readonly Func<AddressBook.Entry, (Membership Self, bool Broke, bool LostOnly), bool> SkipCandidate =
        static (e, s) => s.Self.Linked(e) || s.Broke && !Free(e) || s.LostOnly && !s.Self.Lost(e);

    private bool Linked(AddressBook.Entry e) => e.NodeId != 0 && links.IsLinkedTo(e.NodeId);

    private bool Lost(AddressBook.Entry e) => e.NodeId != 0 && presence.IsLost(e.NodeId);

    /// <summary>Dialling this address needs no token: the user gave it, or a chat peer answered there and nothing failed
    /// since (one free try per handshake, so a verified address that dies costs tokens from its first failure on).</summary>
    private static bool Free(AddressBook.Entry entry) => entry.Pinned || entry.Verified;

    /// <summary>PEERS to every open link, or <paramref name="toOne"/> of them picked at random (a refresh: HyParView's
    /// shuffle goes to one neighbour a period too).</summary>
    private void SendPeers(long now, bool toOne = false)
    {
        _peersSentAt = now;
        CoreLink[] open = links.Open;
        if (open.Length == 0)
            return;
        byte[] frame = PeersFrame(out int size);
        if (toOne)
            links.Send(open[random.Next(open.Length)], frame.AsSpan(0, size), now);
        else
            foreach (CoreLink link in open)
                links.Send(link, frame.AsSpan(0, size), now);
    }

    /// <summary>Our neighbours first (their link's address and HELLO listen port), then other known addresses, picked at
    /// random. Written into buffers the node keeps: a refresh goes every PeersRefreshMs and one goes to every link
    /// that opens, and building it in new lists, sets and arrays (~5 KiB each time) was most of an idle node's garbage.</summary>
    private byte[] PeersFrame(out int size)
    {
        CoreLink[] open = links.Open;
        _peersSeen.Clear();
        int at = FrameWriter.PeersStart, count = 0;
        // In a random order: a host with more neighbours than a frame holds must not send every newcomer to the same
        // oldest few (in a lab joining through one host, they became hubs themselves).
        if (_peersOrder.Length < open.Length)
            _peersOrder = new CoreLink[Math.Max(open.Length, 2 * _peersOrder.Length)];
        Span<CoreLink> order = _peersOrder.AsSpan(0, open.Length);
        open.CopyTo(order);
        random.Shuffle(order);
        foreach (CoreLink link in order)
            if (count < Protocol.MaxPeersPerFrame && link.Peer is { ListenPort: > 0 } peer && _peersSeen.Add(peer.NodeId))
            {
                at = FrameWriter.WritePeersEntry(_peersFrame, at, peer.NodeId, link.Remote.Address, peer.ListenPort);
                count++;
            }
        order.Clear(); // holds no closed link until the next frame
        // Then a random sample of the rest of the book. In the book's order every frame carried the same oldest few, so
        // what a node knew beyond two hops was whatever its neighbours learned first; when half the network crashed, a
        // group whose two-hop neighbourhood all died could know no live address outside itself (simulator, 10,000
        // nodes). A sample spreads addresses from everywhere, so a book holds some of every part of the network. Only
        // addresses we shook hands at, or of nodes that announced themselves (the roster holds them): a node id a
        // hostile member made up goes no further than its neighbours, instead of travelling the network in samples.
        _peersSample.Clear();
        foreach (AddressBook.Entry entry in Book.Entries)
            if (entry.NodeId != 0 && entry.Failures == 0 && (entry.Verified || presence.Roster.Holds(entry.NodeId)))
                _peersSample.Add(entry);
        Span<AddressBook.Entry> sample = CollectionsMarshal.AsSpan(_peersSample);
        random.Shuffle(sample);
        foreach (AddressBook.Entry entry in sample)
            if (count < Protocol.MaxPeersPerFrame && _peersSeen.Add(entry.NodeId))
            {
                at = FrameWriter.WritePeersEntry(_peersFrame, at, entry.NodeId, entry.EndPoint.Address, entry.EndPoint.Port);
                count++;
            }
        _peersSample.Clear();
        size = FrameWriter.FinishPeers(_peersFrame, at, count);
        return _peersFrame;
    }
}
