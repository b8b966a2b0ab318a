// What the UI and tests ask of a node: join through a host, say a line, leave, and the read-only views (peers,
// members, counters). Each call is one input to the core under the node's lock.
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace P2PChat.Net;

internal sealed partial class ChatNode
{
    // Guarded by _lock: joins waiting for their link's handshake, by link id.
    private readonly Dictionary<int, TaskCompletionSource<PeerInfo>> _joins = [];
    private TaskCompletionSource? _leaving;

    /// <summary>Tries at one address of a host that dropped our handshake (ChatNetworkException.Busy), the n-th try
    /// JoinRetryMs x (n - 1) after the one before: in a lab that starts all at once, the host turns away handshakes past
    /// its limits for a moment, and a newcomer exited on the first one (3 of 300 processes joining one host). Nobody
    /// listening, no route, another room: told at once.</summary>
    public const int JoinAttempts = 3;

    /// <inheritdoc cref="JoinAttempts"/>
    public const int JoinRetryMs = 500;

    /// <summary>Resolves <paramref name="host"/>, connects and completes the handshake. Throws
    /// ChatNetworkException with a user-facing reason when no address of the host takes us.</summary>
    public async Task<PeerInfo> JoinAsync(string host, int port, CancellationToken cancel = default)
    {
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out IPAddress? literal))
        {
            addresses = [literal];
        }
        else
        {
            addresses = await HostResolver.ResolveAsync(host, cancel).ConfigureAwait(false);
            if (addresses.Length == 0)
                throw new ChatNetworkException($"cannot resolve host '{host}': it has no address");
        }

        string reason = "no address to try";
        foreach (IPAddress address in addresses)
        {
            var endPoint = new IPEndPoint(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, port);
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    return await JoinOnceAsync(endPoint, cancel).ConfigureAwait(false);
                }
                catch (ChatNetworkException e)
                {
                    reason = e.Message;
                    if (!e.Busy || attempt == JoinAttempts)
                        break;
                }
                await Task.Delay(JoinRetryMs * attempt, cancel).ConfigureAwait(false);
            }
        }
        throw new ChatNetworkException($"cannot connect to {host} port {port}: {reason}");
    }

    /// <summary>One connection to <paramref name="endPoint"/> and its handshake.</summary>
    private async Task<PeerInfo> JoinOnceAsync(IPEndPoint endPoint, CancellationToken cancel)
    {
        var join = new TaskCompletionSource<PeerInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        Input(() =>
        {
            if (_stopping)
            {
                join.TrySetException(new ChatNetworkException("shutting down"));
                return;
            }
            _joins[_core.Join(endPoint, Now)] = join;
        });
        return await join.Task.WaitAsync(cancel).ConfigureAwait(false);
    }

    /// <summary>Under _lock: a join's link failed.</summary>
    private void FailJoin(int link, LinkClose reason)
    {
        if (_joins.Remove(link, out TaskCompletionSource<PeerInfo>? join))
            join.TrySetException(new ChatNetworkException(reason.ToString(),
                busy: reason.Kind is CloseKind.ClosedEarly or CloseKind.Reset or CloseKind.TooManyLinks));
    }

    /// <summary>Says <paramref name="text"/> (at most Protocol.MaxTextBytes of UTF-8) to every peer.</summary>
    public MessageId Say(string text, long timeMs)
    {
        lock (_lock)
        {
            if (Encoding.UTF8.GetByteCount(text) > Protocol.MaxTextBytes)
                throw new ArgumentException($"message text must be 1 to {Protocol.MaxTextBytes} bytes of UTF-8", nameof(text));
            int length = Encoding.UTF8.GetBytes(text, _sayScratch);
            return SayLocked(_sayScratch.AsSpan(0, length), timeMs, defer: false);
        }
    }

    /// <summary>Takes <paramref name="name"/> as ours from now on (NodeCore.Rename): everyone is told. Returns why not (an
    /// invalid name, in words for the user), else null.</summary>
    public string? Rename(string name)
    {
        lock (_lock)
        {
            _inInput = true;
            try
            {
                string? refused = _core.Rename(name, Now);
                Settle(kick: true);
                return refused;
            }
            finally
            {
                _inInput = false;
            }
        }
    }

    /// <summary>Says <paramref name="text"/> to member <paramref name="to"/> alone (end-to-end encrypted to its key).
    /// ArgumentException when that member is not online or the text is too long (PrivateLine.MaxTextBytes).</summary>
    public MessageId SayPrivate(ulong to, string text, long timeMs)
    {
        lock (_lock)
        {
            _inInput = true;
            try
            {
                MessageId id = _core.SayPrivate(to, Encoding.UTF8.GetBytes(text), timeMs, Now);
                Settle(kick: true);
                return id;
            }
            finally
            {
                _inInput = false;
            }
        }
    }

    /// <summary>Says <paramref name="utf8"/>, which must be 1 to Protocol.MaxTextBytes of valid UTF-8 (pipe mode's
    /// stdin, straight from its read buffer: no string per line). With <paramref name="defer"/> the sends are not
    /// started: the caller says a batch, then calls KickSends, and the batch goes out in one send per link.</summary>
    public MessageId Say(ReadOnlySpan<byte> utf8, long timeMs, bool defer = false)
    {
        lock (_lock)
            return SayLocked(utf8, timeMs, defer);
    }

    private MessageId SayLocked(ReadOnlySpan<byte> utf8, long timeMs, bool defer)
    {
        _inInput = true;
        try
        {
            _nonces.HandIn();
            MessageId id = _core.Say(utf8, timeMs, Now, more: defer);
            Settle(kick: !defer);
            return id;
        }
        finally
        {
            _inInput = false;
        }
    }

    /// <summary>Leaves the network: every open link is drained (what we queued is sent, and we wait until the peer has
    /// read it and closed its side). True when every link finished that way within the deadline.</summary>
    public async Task<bool> LeaveAsync()
    {
        var left = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Input(() =>
        {
            _leaving = left;
            _stopping = true;
            _core.Leave(Now);
        });
        _listener?.Dispose();
        await Task.WhenAny(left.Task, Task.Delay(Options.DrainTimeout + TimeSpan.FromMilliseconds(500))).ConfigureAwait(false);
        bool clean;
        lock (_lock)
            clean = _core.LeftCleanly && _core.Links.Count == 0;
        Dispose();
        return clean;
    }

    /// <summary>Under _lock, after each input: completes LeaveAsync once every link is closed.</summary>
    private void CheckLeft()
    {
        if (_leaving is not null && _core.Links.Count == 0)
            _leaving.TrySetResult();
    }

    /// <summary>Distinct peers this node has an open (or draining) link to.</summary>
    public int DirectPeerCount
    {
        get
        {
            lock (_lock)
                return _core.DirectPeerCount;
        }
    }

    /// <summary>Distinct peers with an open link, one entry each.</summary>
    public IReadOnlyList<PeerInfo> DirectPeers()
    {
        lock (_lock)
            return _core.DirectPeers();
    }

    /// <summary>Neighbours whose reads were held for going over their budget (ChatNode.Pressure.cs), with how often:
    /// who is flooding, for `:peers`.</summary>
    public IReadOnlyList<(PeerInfo Peer, long Holds)> HeldPeers()
    {
        var held = new List<(PeerInfo, long)>();
        lock (_lock)
            foreach (CoreLink link in _core.Links.Open)
                if (_connections.TryGetValue(link.Id, out PeerConnection? connection) && connection.BudgetHolds > 0)
                    held.Add((link.Peer!, connection.BudgetHolds));
        return held;
    }

    /// <summary>Users online elsewhere in the network (this node not included), by name.</summary>
    public IReadOnlyList<MemberInfo> Members()
    {
        lock (_lock)
            return _core.Presence.Members();
    }

    /// <summary>Addresses this node could reconnect to, for diagnostics and :peers.</summary>
    public int KnownAddressCount
    {
        get
        {
            lock (_lock)
                return _core.Membership.Book.Count;
        }
    }

    /// <summary>Copies of messages this node already had (what pruning keeps low), for tests and diagnostics.</summary>
    internal long DuplicatesReceived
    {
        get
        {
            lock (_lock)
                return _core.Flooding.Duplicates;
        }
    }

    /// <summary>Bytes of read buffers and record outboxes its links hold now (what a burst grows and a quiet run gives
    /// back: BurstBuffer), for tests and benchmarks.</summary>
    internal long LinkBufferBytes
    {
        get
        {
            lock (_lock)
            {
                long bytes = 0;
                foreach (CoreLink link in _core.Links.Open)
                    bytes += (link.Channel?.OutboxCapacity ?? 0)
                        + (_connections.TryGetValue(link.Id, out PeerConnection? connection) ? connection.ReceiveBufferLength : 0);
                return bytes;
            }
        }
    }

    /// <summary>What flooding did (copies it had, pulls after HAVEs, HAVEs received, CHAT frames queued), for benchmarks.</summary>
    internal (long Duplicates, long Grafts, long Haves, long Queued) FloodCounters
    {
        get
        {
            lock (_lock)
                return (_core.Flooding.Duplicates, _core.Flooding.Grafts, _core.Flooding.HavesReceived, _core.Flooding.ChatFramesQueued);
        }
    }

    /// <summary>Lines said alone that were signed with a nonce made ahead of time (Ed25519Presigner), and nonces ready
    /// now, for tests.</summary>
    internal (long Signed, int Ready) PresignedLines
    {
        get
        {
            lock (_lock)
                return (_core.Flooding.Presigned, _core.Flooding.Presigner.Ready);
        }
    }

    /// <summary>Per-reader tags (LineTags), for tests: lines taken on a valid tag for us, tags for us that did not
    /// check, how many readers our own lines are tagged for now, line signatures checked, and lines taken on their tag
    /// whose signature failed when checked for a replay.</summary>
    internal (long Accepted, long Refused, int Readers, long SignatureChecks, long ForgedSignatures) TaggedLines
    {
        get
        {
            lock (_lock)
            {
                Flooding flooding = _core.Flooding;
                return (flooding.Tags!.Accepted, flooding.Tags.Refused, flooding.Tags.Readers, flooding.Verifier.SignaturesChecked,
                    flooding.ForgedSignatures);
            }
        }
    }

    /// <summary>Lines passed on before their signature was checked, and those of them that were forged, for tests.</summary>
    internal (long Passed, long Forged) UncheckedLines
    {
        get
        {
            lock (_lock)
                return (_core.Flooding.PassedUnchecked, _core.Flooding.ForgedUnchecked);
        }
    }

    /// <summary>Whether live lines still wait for our history source's answer (nothing is passed on unchecked till then),
    /// for tests.</summary>
    internal bool AwaitingHistory
    {
        get
        {
            lock (_lock)
                return _core.Flooding.Order.AwaitingHistory;
        }
    }

    /// <summary>Messages said while this node had no open link, so nobody received them.</summary>
    public long SentWithoutPeers
    {
        get
        {
            lock (_lock)
                return _core.Flooding.SentAlone;
        }
    }

    /// <summary>Lines of other senders given up for good since the start (each one reported: GapReports).</summary>
    public ulong LinesLost
    {
        get
        {
            lock (_lock)
                return _core.Flooding.Gaps.Total;
        }
    }

    /// <summary>Sequence number of the last message said here (0 before the first).</summary>
    public ulong LastSequence
    {
        get
        {
            lock (_lock)
                return _core.Flooding.LastSequence;
        }
    }

    /// <summary>Messages the display did not take in time, were dropped, and it was never told of (EventPump).</summary>
    public long UnreportedDrops => _events.UnreportedDrops;

    /// <summary>A link with more than this waiting makes HasBacklog true: a local sender (pipe mode) then waits, so a
    /// burst on stdin is paced by the slowest neighbour instead of overflowing its queue and costing the link.</summary>
    public const int SayBacklogBytes = 512 * 1024;

    /// <summary>True while some neighbour has more than SayBacklogBytes waiting.</summary>
    public bool HasBacklog
    {
        get
        {
            foreach (PeerConnection connection in _connectionList)
                if (connection.QueuedBytes > SayBacklogBytes)
                    return true;
            return false;
        }
    }

    private TaskCompletionSource? _roomWaiter;

    /// <summary>Completes once no neighbour has a backlog (at once when none has). Woken by the connections as their
    /// queues go out (OnQueueSent), with a 50 ms fallback for a link that closed meanwhile.</summary>
    public async Task WaitForRoomAsync(CancellationToken cancel)
    {
        while (HasBacklog)
        {
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _roomWaiter, waiter);
            if (!HasBacklog)
                break;
            try
            {
                await waiter.Task.WaitAsync(TimeSpan.FromMilliseconds(50), cancel).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // check again
            }
        }
    }

    /// <summary>A connection just handed its queue to the socket: a sender waiting for room may go on.</summary>
    internal void OnQueueSent()
    {
        ReleaseHeld(Now);
        if (Volatile.Read(ref _roomWaiter) is not null)
            Interlocked.Exchange(ref _roomWaiter, null)?.TrySetResult();
    }
}
