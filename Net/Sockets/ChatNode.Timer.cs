// The core's timer input as the driver runs it: a one-shot timer set to when the core says its next tick is due
// (NodeCore.NextTick), moved earlier after an input that gave the timer work, and each tick's look at the links whose
// bytes wait for us. A part of ChatNode.
namespace P2PChat.Net;

internal sealed partial class ChatNode
{
    /// <summary>How often the core's timer input runs while anything waits on it (NodeCore.NextTick says when an idle
    /// node's next is: up to NodeCore.IdleTickMs).</summary>
    public static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(NodeCore.TickMs);

    /// <summary>Times a quiet link counted as alive because its bytes waited in the kernel unread (OnTick), for tests.</summary>
    internal long HeardBehind { get; private set; }

    /// <summary>When the timer next calls OnTick (long.MaxValue: being planned). Guarded by _lock.</summary>
    private long _tickAt = long.MaxValue;

    /// <summary>After each input: the timer moves earlier if the input gave the core work for it (a HAVE due, a line
    /// held back), never later. Skipped while the tick is due within TickMs anyway, so a busy node asks nothing.</summary>
    private void PlanTick()
    {
        if (_timer is null || _stopping && _leaving is null)
            return;
        long now = Now;
        if (_tickAt <= now + NodeCore.TickMs)
            return;
        long next = _core.NextTick(now);
        if (next >= _tickAt)
            return;
        _tickAt = next;
        _timer.Change(TimeSpan.FromMilliseconds(Math.Max(0, next - now)), Timeout.InfiniteTimeSpan);
    }

    private void OnTick()
    {
        if (_stopping && _leaving is null)
            return; // a stopped process does nothing (ChatNode.Faults.cs)
        if (_paused)
        {
            _timer?.Change(TickInterval, Timeout.InfiniteTimeSpan); // it ticks again once resumed
            return;
        }
        Input(_tickInput ??= TickInput); // one delegate for the node's life, not one a tick
        ReleaseHeld(Now);
        YoungCollections.Check();
    }

    private Action? _tickInput;

    /// <summary>The tick as one input under the node's lock.</summary>
    private void TickInput()
    {
        _tickAt = long.MaxValue; // planned afresh once this tick is done (Settle)
        long now = Now, heartbeat = (long)Options.HeartbeatInterval.TotalMilliseconds;
        // A link whose peer's bytes wait for us is alive, however long since we handled any: we hold its reads (so
        // its silence is ours), or we are behind on it, its bytes in the kernel (a loaded machine: 200 nodes in one
        // process closed 91 live links as silent). The kernel is asked (FIONREAD) only about links quiet for longer
        // than a running peer ever leaves them (its pings come a heartbeat interval and a tick apart), so an idle
        // link pinged on time costs no system call here.
        foreach (PeerConnection connection in _connectionList)
        {
            if (connection.HasUnreadBytes)
            {
                _core.Heard(connection.Id, now);
            }
            else if (_core.QuietFor(connection.Id, now) > heartbeat + 2 * NodeCore.TickMs && connection.HasBytesInKernel)
            {
                _core.Heard(connection.Id, now);
                HeardBehind++;
            }
        }
        _core.Tick(now);
        _nonces.HandIn(); // what the nonce maker made since: in the pool before the next line, as its count says
    }
}
