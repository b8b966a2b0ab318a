// One TCP link to a peer: owns the socket, one receive and one send SocketAsyncEventArgs with their buffers for
// its whole life, and closes exactly once with a recorded reason. Receive and send paths are in partial files.
using System.Net;
using System.Net.Sockets;

namespace P2PChat.Net;

internal sealed partial class PeerConnection
{
    private readonly Socket _socket;
    private readonly ChatNode _node;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state; // PeerState, changed with Interlocked/CompareExchange only

    public PeerConnection(ChatNode node, Socket socket, bool outbound, long handshakeDeadline)
    {
        _node = node;
        _socket = socket;
        IsOutbound = outbound;
        HandshakeDeadline = handshakeDeadline;
        // Show IPv4 peers of the dual-stack listener as 1.2.3.4, not ::ffff:1.2.3.4.
        var remote = socket.RemoteEndPoint as IPEndPoint ?? new IPEndPoint(IPAddress.None, 0);
        RemoteEndPoint = remote.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(remote.Address.MapToIPv4(), remote.Port) : remote;
        _socket.NoDelay = true;
        _receiveArgs = new SocketAsyncEventArgs();
        _receiveArgs.Completed += OnReceiveCompleted;
        _sendArgs = new SocketAsyncEventArgs();
        _sendArgs.Completed += OnSendCompleted;
    }

    public bool IsOutbound { get; }
    public IPEndPoint RemoteEndPoint { get; }

    /// <summary>Environment.TickCount64 by which the peer's HELLO must have arrived.</summary>
    public long HandshakeDeadline { get; }

    /// <summary>Tick at which a Draining link is closed even if the peer never answers our FIN.</summary>
    public long DrainDeadline { get; private set; } = long.MaxValue;

    /// <summary>Environment.TickCount64 of the last bytes received (liveness for heartbeats).</summary>
    public long LastReceived => Volatile.Read(ref _lastReceived);

    /// <summary>Environment.TickCount64 of the last frame queued for the peer.</summary>
    public long LastSent => Volatile.Read(ref _lastSent);

    private long _lastReceived = Environment.TickCount64;
    private long _lastSent = Environment.TickCount64;

    /// <summary>Environment.TickCount64 when the HELLO was accepted.</summary>
    public long OpenedAt { get; private set; }

    /// <summary>The peer as it introduced itself; null until its HELLO arrived.</summary>
    public PeerInfo? Peer { get; private set; }

    public PeerState State => (PeerState)Volatile.Read(ref _state);

    /// <summary>True when we drained this link and the peer then closed its side: it has read all we sent.</summary>
    public bool DrainConfirmed { get; private set; }

    /// <summary>Why the link closed (or is draining); null while it is open.</summary>
    public string? CloseReason { get; private set; }

    /// <summary>Completes when the peer's HELLO has been accepted; faults if the link closes first.</summary>
    public Task Opened => _opened.Task;

    /// <summary>Completes when the link is closed, whatever the reason.</summary>
    public Task Closed => _closed.Task;

    public void Start(ReadOnlySpan<byte> hello)
    {
        TryEnqueue(hello, force: true);
        ReceiveLoop();
    }

    /// <summary>Called by the node once the peer's HELLO is accepted.</summary>
    public bool MarkOpen(PeerInfo peer)
    {
        Peer = peer;
        OpenedAt = Environment.TickCount64;
        if (Interlocked.CompareExchange(ref _state, (int)PeerState.Open, (int)PeerState.Handshaking) != (int)PeerState.Handshaking)
            return false;
        _opened.TrySetResult();
        return true;
    }

    /// <summary>Leaves the link without losing anything in either direction (see PeerState.Draining).</summary>
    public void BeginDrain(string reason, long deadline)
    {
        int previous = Interlocked.CompareExchange(ref _state, (int)PeerState.Draining, (int)PeerState.Open);
        if (previous == (int)PeerState.Handshaking)
        {
            Close(reason);
            return;
        }
        if (previous != (int)PeerState.Open)
            return;
        CloseReason = reason;
        DrainDeadline = deadline;
        bool idle;
        lock (_sendLock)
            idle = !_sending && _queued == 0;
        if (idle)
            ShutdownSend();
        else
            Kick(); // deferred frames go out first; the send's completion then shuts down (ProcessSend)
    }

    /// <summary>Closes the link once; the first reason wins. Safe from any thread, any number of times.</summary>
    public void Close(string reason)
    {
        int previous = Interlocked.Exchange(ref _state, (int)PeerState.Closed);
        if (previous == (int)PeerState.Closed)
            return;
        CloseReason = reason;
        _socket.Dispose();
        _opened.TrySetException(new PeerClosedException(CloseReason));
        _node.OnConnectionClosed(this, wasOpen: previous is (int)PeerState.Open or (int)PeerState.Draining);
        _closed.TrySetResult();
    }

    /// <summary>Set when the peer's FIN arrived while the link was open: once our side is flushed, we close.</summary>
    private volatile bool _peerFinished;

    private void ShutdownSend()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Close("connection lost while leaving");
            return;
        }
        if (_peerFinished)
            Close(CloseReason ?? "left"); // both directions are finished
    }

    // Guarded by the node's flood lock. Origins the peer asked us not to relay to it (PRUNE), and origins we asked the
    // peer not to relay to us, so we ask once. Both bounded, and both empty on a new link.
    private readonly HashSet<ulong> _prunedByPeer = [];
    private readonly HashSet<ulong> _prunedByUs = [];

    public bool IsPruned(ulong origin) => _prunedByPeer.Count > 0 && _prunedByPeer.Contains(origin);

    public void Prune(ulong origin)
    {
        if (_prunedByPeer.Count < DuplicateFilter.DefaultMaxOrigins)
            _prunedByPeer.Add(origin);
    }

    public void Unprune() => _prunedByPeer.Clear();

    /// <summary>True the first time we decide to ask the peer to prune <paramref name="origin"/>.</summary>
    public bool AskToPrune(ulong origin) => _prunedByUs.Count < DuplicateFilter.DefaultMaxOrigins && _prunedByUs.Add(origin);

    public void ForgetAskedPrunes() => _prunedByUs.Clear();

    public override string ToString() => Peer is null ? RemoteEndPoint.ToString() : $"{Peer.Name} ({RemoteEndPoint})";
}
