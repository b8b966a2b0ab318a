// Fault-injection seams for tests: the faults a real network and real processes have, made deterministic and
// fast. Cut is a crash or a reset (the link closes at once); black hole is a pulled cable (no FIN, no RST, both
// directions silently lost, only heartbeats can tell); pause is SIGSTOP (the node reads, sends and ticks nothing,
// nor accepts, while the kernel would keep its sockets open, until Resume); falling behind on reads is a loaded
// machine (the timer runs, what peers send waits unhandled, until CatchUpOnReads).
namespace P2PChat.Net;

internal sealed partial class ChatNode
{
    private volatile bool _paused;

    // 1 while an accepted connection waits for the paused node to resume.
    private int _acceptParked;

    // Set by FallBehindOnReads: completed reads wait unprocessed while the timer runs on.
    private volatile bool _readsBehind;

    /// <summary>Completed reads wait unprocessed (Pause, or FallBehindOnReads).</summary>
    internal bool ReadsPaused => _paused || _readsBehind;

    /// <summary>Cuts every link to <paramref name="node"/> at once, as a crash would (no drain, nothing flushed).</summary>
    internal void CutLinksTo(ulong node) => Input(() =>
    {
        foreach (CoreLink link in _core.Links.All.ToArray())
            if (link.Peer?.NodeId == node)
                _core.Abort(link.Id, new LinkClose(CloseKind.FaultInjected), Now);
    });

    /// <summary>From now on, everything on the links to <paramref name="node"/> is lost both ways, silently.</summary>
    internal void BlackHoleLinksTo(ulong node) => Input(() =>
    {
        foreach (CoreLink link in _core.Links.All)
            if (link.Peer?.NodeId == node && _connections.TryGetValue(link.Id, out PeerConnection? connection))
                connection.BlackHole();
    });

    /// <summary>Freezes the node: completed reads wait unprocessed, the timer does nothing.</summary>
    internal void Pause() => _paused = true;

    /// <summary>The node stops handling what it reads while its timer runs on, as a loaded machine that is behind on
    /// its sockets: what peers send waits, mostly in the kernel. Until CatchUpOnReads.</summary>
    internal void FallBehindOnReads() => _readsBehind = true;

    /// <summary>Ends FallBehindOnReads: waiting reads are processed, in order.</summary>
    internal void CatchUpOnReads()
    {
        _readsBehind = false;
        foreach (PeerConnection connection in _connectionList)
            connection.ResumeReceive();
    }

    /// <summary>Unfreezes the node: waiting reads are processed, in order, and the timer runs again.</summary>
    internal void Resume()
    {
        _paused = false;
        foreach (PeerConnection connection in _connectionList)
            connection.ResumeReceive();
        if (Interlocked.Exchange(ref _acceptParked, 0) == 1 && ProcessAccept())
            AcceptLoop();
    }
}
