// One chat peer on real sockets: the driver around NodeCore. It listens, connects, reads and writes, and feeds the
// core every input under one lock (the core is single-threaded by design); the core's outputs become socket
// operations (ChatNode.Effects.cs) and UI events, which an EventPump delivers on its own thread so a slow sink never
// holds the lock. A socket event that happens inside an output (a send that fails inline, say) is deferred until the
// core's current input is done, so the core is never re-entered. What the UI asks of the node (joins, saying,
// leaving, the read-only views) is in ChatNode.Api.cs, the outputs in ChatNode.Effects.cs, fault seams for tests in
// ChatNode.Faults.cs, the timer input in ChatNode.Timer.cs.
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace P2PChat.Net;

internal sealed partial class ChatNode : IDisposable
{
    private readonly Lock _lock = new();
    private readonly NodeCore _core;
    private readonly EventPump _events;
    private readonly TimeProvider _time;
    private readonly long _epoch;
    private readonly Dictionary<int, PeerConnection> _connections = [];
    private readonly List<Action> _deferred = [];
    private readonly List<PeerConnection> _dirty = [];
    private readonly byte[] _sayScratch = new byte[Protocol.MaxTextBytes];
    private Socket? _listener;
    private SocketAsyncEventArgs? _acceptArgs;
    private ITimer? _timer;
    private readonly NonceMaker _nonces;
    private volatile bool _stopping;

    /// <summary>Connections, replaced whole on change so HasBacklog can read it without the lock.</summary>
    private volatile PeerConnection[] _connectionList = [];

    /// <param name="keys">The user's identity and the room's secret; tests and benchmarks may leave it out for a fresh
    /// identity in an open room.</param>
    public ChatNode(NodeOptions options, IChatSink sink, TimeProvider? time = null, NodeKeys? keys = null)
    {
        _time = time ?? MillisecondClock.Instance;
        _epoch = _time.GetTimestamp();
        keys ??= NodeKeys.Generate(Crypto.OsRandom.Instance);
        // The core's Random only picks addresses and timings (not secrets: those come from keys.Random, the kernel's
        // getrandom). Random.Shared is seeded from the kernel's entropy.
        _core = new NodeCore(options, keys, new Random(Random.Shared.Next()), this);
        _nonces = new NonceMaker(_core.Flooding);
        _events = new EventPump(sink);
    }

    public NodeOptions Options => _core.Options;

    public ulong NodeId => _core.NodeId;

    public string Name => _core.Name;

    /// <summary>Where this node listens; valid after Start.</summary>
    public IPEndPoint ListenEndPoint { get; private set; } = new(IPAddress.None, 0);

    /// <summary>Milliseconds since this node was made, from the TimeProvider: the core's clock.</summary>
    private long Now => _time.TimestampFrequency == 1000
        ? _time.GetTimestamp() - _epoch
        : (long)_time.GetElapsedTime(_epoch).TotalMilliseconds;

    /// <summary>Now, for the connections (which keep their own times in the node's clock).</summary>
    internal long NowMs => Now;

    /// <summary>Binds and starts accepting. Throws ChatNetworkException with a user-facing reason.</summary>
    public void Start()
    {
        _listener = Bind(Options.BindAddress, Options.Port);
        ListenEndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        lock (_lock)
            _core.Start((ushort)ListenEndPoint.Port);
        _tickAt = Now + NodeCore.TickMs;
        _timer = _time.CreateTimer(static node => ((ChatNode)node!).OnTick(), this, TickInterval, Timeout.InfiniteTimeSpan);
        _acceptArgs = new SocketAsyncEventArgs();
        _acceptArgs.Completed += (_, _) =>
        {
            if (ProcessAccept())
                AcceptLoop();
        };
        AcceptLoop();
    }

    private static Socket Bind(IPAddress address, int port)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.Equals(IPAddress.IPv6Any))
                socket.DualMode = true;
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(128);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            if (e.SocketErrorCode == SocketError.AddressFamilyNotSupported && address.Equals(IPAddress.IPv6Any))
                return Bind(IPAddress.Any, port); // a host with IPv6 switched off
            throw new ChatNetworkException(e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => $"port {port} is already in use (choose another with --port, or 0 for any)",
                SocketError.AccessDenied => $"not allowed to listen on port {port} (ports below 1024 need root)",
                SocketError.AddressNotAvailable => $"cannot listen on {address}: it is not an address of this machine",
                var error => $"cannot listen on {address} port {port}: {error}",
            });
        }
    }

    private void AcceptLoop()
    {
        while (true)
        {
            bool pending;
            try
            {
                _acceptArgs!.AcceptSocket = null;
                pending = _listener!.AcceptAsync(_acceptArgs);
            }
            catch (ObjectDisposedException)
            {
                return; // stopped
            }
            if (pending || !ProcessAccept())
                return;
        }
    }

    /// <summary>Adopts one accepted socket; false when the listener is gone and the loop must stop.</summary>
    private bool ProcessAccept()
    {
        if (_paused)
        {
            // A stopped process accepts nothing (the kernel queues the connection): hold it until Resume.
            Volatile.Write(ref _acceptParked, 1);
            if (_paused || Interlocked.Exchange(ref _acceptParked, 0) == 0)
                return false;
        }
        SocketError error = _acceptArgs!.SocketError;
        if (error == SocketError.Success)
        {
            Adopt(_acceptArgs.AcceptSocket!);
            return true;
        }
        if (error is SocketError.OperationAborted or SocketError.Interrupted || _stopping)
            return false;
        // Out of descriptors, say: tell the user, keep serving the links we have, try again a little later rather than
        // spinning on an error that repeats at once.
        _events.Notice($"accept failed: {error}");
        Task.Delay(100).ContinueWith(_ => AcceptLoop(), TaskScheduler.Default);
        return false;
    }

    private void Adopt(Socket socket)
    {
        IPEndPoint remote = PeerConnection.RemoteOf(socket);
        Input(() =>
        {
            int id = _stopping ? -1 : _core.Accept(remote, Now);
            if (id < 0)
            {
                socket.Dispose();
                return;
            }
            Register(id, socket);
            _core.Connected(id, Now);
        });
    }

    /// <summary>Under _lock, inside an input; the connection starts reading when the input is over.</summary>
    private PeerConnection Register(int id, Socket socket)
    {
        var connection = new PeerConnection(this, id, socket, Options.MaxQueueBytes);
        _connections[id] = connection;
        _connectionList = [.. _connections.Values];
        _toStart.Add(connection);
        return connection;
    }

    /// <summary>Under _lock.</summary>
    private void Unregister(int id)
    {
        if (_connections.Remove(id))
            _connectionList = [.. _connections.Values];
    }

    /// <summary>Ends an input: runs the socket events deferred during it, then starts the sends it queued. Under _lock.</summary>
    private void Settle(bool kick = true, bool wakeEvents = true)
    {
        while (_deferred.Count > 0 || (kick && _dirty.Count > 0))
        {
            while (_deferred.Count > 0)
            {
                Action next = _deferred[0];
                _deferred.RemoveAt(0);
                next();
            }
            if (!kick)
                break;
            for (int i = 0; i < _dirty.Count; i++)
                _dirty[i].Kick();
            _dirty.Clear();
        }
        CheckLeft();
        PlanTick();
        _events.Publish(wakeEvents);
        if (_core.Flooding.TakeSaidAlone())
            _nonces.Wake(); // a line said alone has left: make the next one's nonce when a CPU would idle
        if (_toStart.Count > 0 && !_inInputWrapper)
        {
            // Registered by an input that is not Input() (a read, a line said): start them off this thread and lock.
            foreach (PeerConnection connection in _toStart)
                ThreadPool.UnsafeQueueUserWorkItem(static c => c.Start(), connection, preferLocal: false);
            _toStart.Clear();
        }
    }

    /// <summary>True inside Input(), which starts new connections itself once it has released the lock.</summary>
    private bool _inInputWrapper;

    /// <summary>Runs <paramref name="input"/> under the lock now, or after the current input when this thread is inside
    /// one already (a socket event raised by one of the core's outputs).</summary>
    private void Input(Action input)
    {
        PeerConnection[]? start = null;
        lock (_lock)
        {
            if (_inInput)
            {
                _deferred.Add(input);
                return;
            }
            _inInput = true;
            _inInputWrapper = true;
            try
            {
                input();
                Settle();
            }
            finally
            {
                _inInput = false;
                _inInputWrapper = false;
            }
            if (_toStart.Count > 0)
            {
                start = [.. _toStart];
                _toStart.Clear();
            }
        }
        // Outside the lock: a read that completes at once is handled on this thread, as an input of its own.
        if (start is not null)
            foreach (PeerConnection connection in start)
                connection.Start();
    }

    // Guarded by _lock: connections registered during an input, started once it is over.
    private readonly List<PeerConnection> _toStart = [];

    private bool _inInput;

    /// <summary>Bytes read on <paramref name="connection"/>; returns how many the core consumed. On the socket thread.</summary>
    internal int OnReceived(PeerConnection connection, ReadOnlySpan<byte> data)
    {
        int consumed = Receive(connection, data);
        _events.DeliverInlineOrWake(); // after the lock: the display never holds the network up
        return consumed;
    }

    private int Receive(PeerConnection connection, ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            // Reads complete outside inputs: receive loops are armed after an input returns, never inside one.
            System.Diagnostics.Debug.Assert(!_inInput, "a read completed inside a core input");
            _inInput = true;
            try
            {
                long now = Now;
                int consumed = _core.Receive(connection.Id, data, now);
                connection.ReadableAt = _core.ReadableAt(connection.Id, now);
                connection.HeldForOrder = _core.HeldForOrder(connection.Id);
                Settle(wakeEvents: false);
                return consumed;
            }
            finally
            {
                _inInput = false;
            }
        }
    }

    internal void OnPeerFinished(PeerConnection connection) => Input(() => _core.Finished(connection.Id, Now));

    internal void OnConnectionLost(PeerConnection connection, LinkClose reason) => Input(() =>
    {
        Unregister(connection.Id);
        FailJoin(connection.Id, reason);
        _core.Lost(connection.Id, reason, Now);
    });

    /// <summary>Signs and starts the sends of lines said with defer.</summary>
    public void KickSends()
    {
        lock (_lock)
        {
            if (_inInput)
                return;
            _inInput = true;
            try
            {
                _core.Flush(Now);
                Settle();
            }
            finally
            {
                _inInput = false;
            }
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _timer?.Dispose();
        _nonces.Dispose();
        lock (_holdLock)
            _holdTimer?.Dispose();
        _listener?.Dispose();
        lock (_lock)
        {
            foreach (PeerConnection connection in _connections.Values)
                connection.Abort();
            _connections.Clear();
            _connectionList = [];
            foreach (Socket socket in _connecting.Values)
                socket.Dispose();
            _connecting.Clear();
            foreach (TaskCompletionSource<PeerInfo> join in _joins.Values)
                join.TrySetException(new ChatNetworkException("shutting down"));
            _joins.Clear();
        }
        _events.Complete(TimeSpan.FromSeconds(2));
    }
}
