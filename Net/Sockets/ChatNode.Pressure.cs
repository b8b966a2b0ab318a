// Back-pressure and fairness between links, as Kestrel pauses a connection's reads while its output is over a
// threshold: after each read, a connection is held (its next read is not armed) while
//   - another link has more than RelayHighWater bytes waiting to go out (what we read would mostly be relayed into
//     that queue): held until every other link is under RelayLowWater, so a flooding member is paced by the slowest
//     neighbour instead of filling our memory and cutting that neighbour as "not reading", and a user's line waits
//     behind at most ~RelayHighWater of someone else's, not megabytes; or
//   - the link is over its budget of work, signature checks and lines, while others talk (NodeCore.ReadableAt):
//     held until the budget is back; or it runs ahead of another path, its lines held for their sender's order
//     while earlier ones still come by a relay (NodeCore.RunsAhead): asked again every few milliseconds.
// A link's own queue never holds it (two peers flooding each other would wait for each other for ever), and no hold
// lasts longer than MaxHold: a cycle of congested links then degrades to reading on, never to a stall. The kernel's
// buffers are kept small on every link (PeerConnection.Start), so the queues seen here are most of what waits.
namespace P2PChat.Net;

internal sealed partial class ChatNode
{
    /// <summary>Bytes waiting for one link (queued and in flight) above which other links' reads are held.</summary>
    public const int RelayHighWater = 64 * 1024;

    /// <summary>Held reads resume once every other link has less than this waiting.</summary>
    public const int RelayLowWater = 16 * 1024;

    /// <summary>A link whose socket has taken nothing for this long is stuck, not slow: it holds nobody back (a peer that
    /// stopped reading must not slow everyone else until its queue overflows and it is cut).</summary>
    public static readonly TimeSpan StuckAfter = TimeSpan.FromSeconds(1);

    /// <summary>Longest a read is held for congestion before it is armed anyway.</summary>
    public static readonly TimeSpan MaxHold = TimeSpan.FromMilliseconds(500);

    private readonly Lock _holdLock = new();

    // Guarded by _holdLock: held connections and when each was held.
    private readonly List<(PeerConnection Connection, long Since)> _held = [];

    /// <summary>Wakes ReleaseHeld when the earliest budget hold ends (the 250 ms tick is too coarse: a line behind a held
    /// link would wait for it). Guarded by _holdLock, with the time it is set for (long.MaxValue: not set).</summary>
    private ITimer? _holdTimer;
    private long _holdTimerDue = long.MaxValue;

    /// <summary>_held.Count, readable without the lock by the send completions that may end a hold.</summary>
    private volatile int _heldCount;

    /// <summary>Reads held so far, for congestion and for the budget (tests, the load bench).</summary>
    public long CongestionHolds { get; private set; }

    public long BudgetHolds { get; private set; }

    /// <summary>Reads held because the link ran ahead of another path (NodeCore.RunsAhead).</summary>
    public long OrderHolds { get; private set; }

    /// <summary>After a read on <paramref name="connection"/>: true when its next read must wait (the connection is then
    /// held, and Release arms it later). On the connection's receive thread, outside the node's lock.</summary>
    internal bool TryHold(PeerConnection connection)
    {
        long now = Now;
        bool budget = connection.ReadableAt > now;
        if (!budget && !IsCongestedFor(connection, RelayHighWater, now))
            return false;
        lock (_holdLock)
        {
            connection.Hold();
            _held.Add((connection, now));
            _heldCount = _held.Count;
            if (budget)
            {
                if (connection.HeldForOrder)
                {
                    OrderHolds++;
                }
                else
                {
                    BudgetHolds++;
                    connection.BudgetHolds++;
                }
                WakeAt(connection.ReadableAt, now);
            }
            else
            {
                CongestionHolds++;
            }
        }
        // The queues may have drained between the check and the registration, with nobody left to notice: look again.
        if (!budget)
            ReleaseHeld(now);
        return true;
    }

    /// <summary>Sets the hold timer for <paramref name="due"/> unless it is set earlier already. Under _holdLock.</summary>
    private void WakeAt(long due, long now)
    {
        if (_stopping || _holdTimerDue <= due && _holdTimerDue > now)
            return;
        _holdTimerDue = due;
        _holdTimer ??= _time.CreateTimer(static node => ((ChatNode)node!).OnHoldTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _holdTimer.Change(TimeSpan.FromMilliseconds(Math.Max(1, due - now)), Timeout.InfiniteTimeSpan);
    }

    private void OnHoldTimer()
    {
        lock (_holdLock)
            _holdTimerDue = long.MaxValue;
        ReleaseHeld(Now);
    }

    /// <summary>True while a link other than <paramref name="connection"/> has more than <paramref name="bytes"/> waiting
    /// and is still taking them.</summary>
    private bool IsCongestedFor(PeerConnection connection, int bytes, long now)
    {
        long stuck = (long)StuckAfter.TotalMilliseconds;
        foreach (PeerConnection other in _connectionList)
            if (other != connection && other.BacklogBytes > bytes && other.StalledFor(now) < stuck)
                return true;
        return false;
    }

    /// <summary>Arms the reads of held connections whose reasons have passed: the budget is back, and no other link is
    /// congested any more (or it has been held for MaxHold). From send completions, the timer, and TryHold itself.</summary>
    private void ReleaseHeld(long now)
    {
        if (_heldCount == 0)
            return;
        List<PeerConnection>? release = null;
        lock (_holdLock)
        {
            for (int i = _held.Count - 1; i >= 0; i--)
            {
                (PeerConnection connection, long since) = _held[i];
                bool due = connection.IsClosed || connection.ReadableAt <= now
                    && (now - since >= MaxHold.TotalMilliseconds || !IsCongestedFor(connection, RelayLowWater, now));
                if (!due)
                    continue;
                _held.RemoveAt(i);
                (release ??= []).Add(connection);
            }
            _heldCount = _held.Count;
            long next = long.MaxValue;
            foreach ((PeerConnection connection, long since) in _held)
                next = Math.Min(next, Math.Max(connection.ReadableAt, since + (long)MaxHold.TotalMilliseconds));
            if (next != long.MaxValue)
                WakeAt(next, now);
        }
        if (release is null)
            return;
        foreach (PeerConnection connection in release)
            connection.Release();
    }
}
