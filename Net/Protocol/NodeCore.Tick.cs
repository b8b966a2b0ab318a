// The core's timer input: deadlines of links (connect, handshake, drain, silence), heartbeats, and the periodic
// work of each owner (presence, held lines and repairs, history answers, membership). A partial of NodeCore.
using System.Net;
using System.Text;

namespace P2PChat.Net;

internal sealed partial class NodeCore
{
    /// <summary>A gap between two ticks longer than this is our own stall (a loaded machine, a starved thread pool, a
    /// stopped process), not our peers' silence.</summary>
    public const long StallAfterMs = 1000;

    /// <summary>When Tick last ran (long.MinValue: never).</summary>
    private long _lastTick = long.MinValue;

    /// <summary>Milliseconds of our own stalls not counted against our links' silence (ForgiveOwnStall).</summary>
    public long StalledMs { get; private set; }

    /// <summary>Four times a second: deadlines of links, heartbeats, presence, membership, held lines and repairs.</summary>
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
                case LinkState.Open when now - link.LastSent >= heartbeat:
                    _links.Send(link, PingFrame, now);
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
            SendHaves(now);
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
        Settle(now);
    }

    /// <summary>When this tick comes more than StallAfterMs after the last one, we were not running: what our peers sent
    /// meanwhile waits unread, and the pings we owed them were not sent. Their silence over that time is ours, so the
    /// part of the gap beyond StallAfterMs is not counted against any link (on a full test host, a starved thread pool
    /// ran no tick and no read for seconds, then the first tick closed live links as silent: a false death).
    /// Bounded: ticks that are always late by a little still declare a dead peer, later by that much.</summary>
    private void ForgiveOwnStall(long now)
    {
        long gap = _lastTick == long.MinValue ? 0 : now - _lastTick;
        _lastTick = now;
        if (gap <= StallAfterMs)
            return;
        long forgiven = gap - StallAfterMs;
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
