// The core's timer input: deadlines of links (connect, handshake, drain, silence), heartbeats, and the periodic
// work of each owner (presence, held lines and repairs, history answers, membership). A partial of NodeCore.
using System.Net;
using System.Text;

namespace P2PChat.Net;

internal sealed partial class NodeCore
{
    /// <summary>The timer's period while anything waits on it (a line held back or missing, a burst's HAVE, a dial), and
    /// the least gap between two ticks.</summary>
    public const long TickMs = 250;

    /// <summary>The longest gap between two ticks: a heartbeat interval and TickMs, when an idle link's ping falls due
    /// (SendHeartbeats). A node with nothing waiting on the timer ticks when a deadline comes (a silent link, a ping,
    /// an announcement, an expiry) and otherwise once this long after the last tick, instead of four times a second.
    /// Each tick wakes a thread of every process: with 300 peers on one machine, ticks were most of what an idle
    /// network cost.</summary>
    public const long IdleTickMs = 1250;

    /// <summary>A tick later than planned by more than this is our own stall (a loaded machine, a starved thread pool, a
    /// stopped process), not our peers' silence.</summary>
    public const long StallAfterMs = 750;

    /// <summary>When Tick last ran (long.MinValue: never), and when the tick after it was planned (NextTick).</summary>
    private long _lastTick = long.MinValue;
    private long _plannedTick = long.MaxValue;

    /// <summary>When the next tick is needed (its host's timer is set to it, and moved earlier whenever an input makes
    /// this earlier): TickMs after the last tick while anything waits on the timer, else the earliest deadline (a link
    /// silent too long, a connect or handshake or drain running out, our announcement, a member's expiry or suspicion,
    /// the window of lost-line reports, a link's ping or HAVE falling due), at most IdleTickMs (or a heartbeat interval and
    /// TickMs) after it. Work that can wait a second (PEERS refreshes, probes, choosing tag readers) goes on whichever
    /// tick comes. Never earlier than TickMs after the last tick, as with a fixed period. O(links).</summary>
    public long NextTick(long now)
    {
        // Work an input just made waits TickMs/2 (about what a fixed period made it wait): a line's HAVEs must not race
        // its eager push through the tree, and a tick in the middle of a flood takes CPU from it (300 nodes in one
        // process, ticking at once on each line: time until all others have one p50/p99 36/79 -> 46/125 ms).
        long soonest = Math.Max(now + TickMs / 2, _lastTick == long.MinValue ? now : _lastTick + TickMs);
        long heartbeat = (long)Options.HeartbeatInterval.TotalMilliseconds;
        long next = Math.Max(soonest, (_lastTick == long.MinValue ? now : _lastTick) + Math.Min(IdleTickMs, heartbeat + TickMs));
        if (_stopping)
            return Keep(soonest);
        if (_pendingLeaves.Count > 0 || _wantedSenders.Count > 0 || _history.HasDeferred)
            return Keep(soonest);
        long deadAfter = (long)Options.DeadAfter.TotalMilliseconds;
        foreach (CoreLink link in _links.All)
        {
            switch (link.State)
            {
                case LinkState.Connecting or LinkState.Handshaking:
                    next = Math.Min(next, After(link.Deadline));
                    break;
                case LinkState.Open or LinkState.Draining:
                    if (link.State == LinkState.Draining)
                        next = Math.Min(next, After(link.Deadline));
                    if (!link.PeerFinished)
                        next = Math.Min(next, After(link.LastReceived + deadAfter));
                    // Its ping's deadline, so that a link that carries traffic is not pinged merely because an idle
                    // tick a second away might come too late (SendHeartbeats), and its HAVE's and ROSTER's (a draining
                    // link is sent none).
                    if (link.State == LinkState.Open)
                        next = Math.Min(next, Math.Min(PingDue(link, heartbeat), Math.Min(link.HaveDue, link.AnnouncementsDue)));
                    if (link.AheadSince != long.MaxValue)
                        return Keep(soonest);
                    break;
            }
        }
        if (_membership.Busy() || _flooding.Tags is { Busy: true })
            return Keep(soonest);
        next = Math.Min(next, _membership.NextProbe(now));
        next = Math.Min(next, _membership.NextDialCheck);
        next = Math.Min(next, _presence.NextTick);
        next = Math.Min(next, _flooding.NextTick(now));
        return Keep(Math.Max(soonest, next));

        // Lowers the plan only: a host moves its timer earlier, never later, between two ticks.
        long Keep(long at)
        {
            _plannedTick = Math.Min(_plannedTick, at);
            return _plannedTick;
        }

        static long After(long deadline) => deadline == long.MaxValue ? deadline : deadline + 1; // Tick acts once it is past
    }

    /// <summary>Milliseconds of our own stalls not counted against our links' silence (ForgiveOwnStall).</summary>
    public long StalledMs { get; private set; }

    /// <summary>When NextTick says (every TickMs while work waits, else at the next deadline): deadlines of links,
    /// heartbeats, presence, membership, held lines and repairs.</summary>
    public void Tick(long now)
    {
        long deadAfter = (long)Options.DeadAfter.TotalMilliseconds;
        long heartbeat = (long)Options.HeartbeatInterval.TotalMilliseconds;
        ForgiveOwnStall(now);
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
            }
            // Not read while it runs ahead (RunsAhead), its announcements wait unread with its lines: its peer is alive.
            if (link.AheadSince != long.MaxValue && link.Peer is { } peer)
                _presence.Roster.HeardFrom(peer.NodeId, now);
        }
        if (!_stopping)
        {
            ReportDueLeaves(now);
            _presence.Tick(now);
            _flooding.Tags?.Tick(now);
            if (_flooding.Tick(now))
                RepairLinks(now, starved: true);
            SendHaves(now, heartbeat);
            _grafts.Clear();
            _flooding.TakeGrafts(now, _presence.Roster, _grafts);
            foreach (CoreLink link in _grafts)
                Pull(link, now, holdPrunes: true);
            foreach (ulong sender in _wantedSenders)
                if (_membership.DirectCandidate(sender, now) is { } direct)
                    StartConnect(direct.EndPoint, direct, userJoin: false, now);
            _wantedSenders.Clear();
            _history.AnswerDeferred(now);
            if (_membership.Tick(now) is { } candidate)
                StartConnect(candidate.EndPoint, candidate, userJoin: false, now);
            if (_membership.LinkToShed() is { } shed)
                Retire(shed, new LinkClose(CloseKind.Shed), now);
        }
        SendHeartbeats(now, heartbeat);
        Settle(now);
    }

    /// <summary>Pings each open link whose ping would fall due within half a heartbeat interval (it has been quiet for
    /// half an interval and a tick). NextTick plans the next tick for the earliest deadline of the links not pinged, so
    /// a peer hears from us at least every heartbeat interval plus TickMs, and links pinged together fall due together:
    /// an idle node pings all its links on one tick every 1.25 s, a busy node (ticking every TickMs) pings a link once
    /// it has been quiet for 0.75-1 s, and a link that carries a line or a HAVE more often than that is never pinged.
    /// Before, every tick pinged each link quiet for 250 ms (the next tick might be a second away), so a link carrying
    /// a line every half second was still pinged each second, and each ping cost its peer a wake-up and two reads.</summary>
    private void SendHeartbeats(long now, long heartbeat)
    {
        foreach (CoreLink link in _links.Open)
            if (PingSoon(link, now, heartbeat))
                _links.Send(link, PingFrame, now);
    }

    /// <summary>Whether this tick pings <paramref name="link"/>: its ping falls due within half a heartbeat interval.</summary>
    private static bool PingSoon(CoreLink link, long now, long heartbeat) => PingDue(link, heartbeat) <= now + heartbeat / 2;

    /// <summary>When <paramref name="link"/> must carry something, a ping if nothing else: a heartbeat interval and
    /// TickMs after the last frame we sent on it.</summary>
    private static long PingDue(CoreLink link, long heartbeat) => link.LastSent + heartbeat + TickMs;

    /// <summary>When this tick comes more than StallAfterMs after it was planned, we were not running: what our peers
    /// sent meanwhile waits unread, and the pings we owed them were not sent. Their silence over that time is ours, so
    /// the part of the delay beyond StallAfterMs is not counted against any link (on a full test host, a starved thread
    /// pool ran no tick and no read for seconds, then the first tick closed live links as silent: a false death).
    /// Bounded: ticks that are always late by a little still declare a dead peer, later by that much. A host that
    /// never asked NextTick ticks every TickMs.</summary>
    private void ForgiveOwnStall(long now)
    {
        long planned = _plannedTick != long.MaxValue ? _plannedTick : _lastTick == long.MinValue ? now : _lastTick + TickMs;
        _lastTick = now;
        _plannedTick = long.MaxValue;
        long late = now - planned;
        if (late <= StallAfterMs)
            return;
        long forgiven = late - StallAfterMs;
        StalledMs += forgiven;
        foreach (CoreLink link in _links.All)
            link.LastReceived = Math.Min(now, link.LastReceived + forgiven);
        _presence.Roster.Postpone(forgiven);
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
}
