// One TCP connection behind a core link (known to the core by Id): owns the socket, one receive and one send
// SocketAsyncEventArgs with their buffers for its whole life, and closes exactly once. It knows nothing of the
// protocol: bytes read go to the node (and on to NodeCore.Receive), frames to send come from it. Closing: Abort is
// the core's decision (nothing reported back); a failure or a finished drain is reported to the node once.
using System.Net;
using System.Net.Sockets;

namespace P2PChat.Net;

internal sealed partial class PeerConnection
{
    private readonly Socket _socket;
    private readonly ChatNode _node;
    private int _closed; // 1 once the socket is disposed, by whoever got there first

    public PeerConnection(ChatNode node, int id, Socket socket, int maxQueueBytes)
    {
        _node = node;
        Id = id;
        _socket = socket;
        _maxQueueBytes = maxQueueBytes;
        _receiveArgs = new SocketAsyncEventArgs();
        _receiveArgs.Completed += OnReceiveCompleted;
        _sendArgs = new SocketAsyncEventArgs();
        _sendArgs.Completed += OnSendCompleted;
    }

    /// <summary>Unsent bytes the kernel may hold for one link (TCP_NOTSENT_LOWAT): past it a send waits, so what waits
    /// for a slow peer stays in our queue, where back-pressure can see it (ChatNode.Pressure.cs), not in megabytes
    /// of socket buffer that every later line would queue behind.</summary>
    public const int KernelUnsentBytes = 16 * 1024;

    /// <summary>The receive buffer of every link (SO_RCVBUF; Linux doubles it and advertises about half): bytes a
    /// peer can have in flight to us before it must wait for us to read. Without it the kernel grows the buffer to
    /// megabytes behind a busy reader, and a line would wait behind all of them.</summary>
    public const int KernelReceiveBytes = 64 * 1024;

    private const int IpProtoTcp = 6;
    private const int TcpNotSentLowat = 25;

    /// <summary>The core's link id.</summary>
    public int Id { get; }

    public bool IsClosed => Volatile.Read(ref _closed) == 1;

    /// <summary>Has frames queued since the node last kicked it. Guarded by the node's lock.</summary>
    public bool Dirty { get; set; }

    /// <summary>The socket is connected (accepted, or connected out): reading starts.</summary>
    public void Start()
    {
        if (IsClosed)
            return; // aborted between its registration and now
        try
        {
            _socket.NoDelay = true;
            _socket.ReceiveBufferSize = KernelReceiveBytes;
            _socket.SetRawSocketOption(IpProtoTcp, TcpNotSentLowat, BitConverter.GetBytes(KernelUnsentBytes));
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException)
        {
            Fail(new LinkClose(CloseKind.Reset, "before the first read")); // reset at once (a scanner), or just closed
            return;
        }
        ReceiveLoop();
    }

    /// <summary>The remote end of a connected socket, IPv4 peers of the dual-stack listener as 1.2.3.4.</summary>
    public static IPEndPoint RemoteOf(Socket socket)
    {
        var remote = socket.RemoteEndPoint as IPEndPoint ?? new IPEndPoint(IPAddress.None, 0);
        return remote.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(remote.Address.MapToIPv4(), remote.Port) : remote;
    }

    /// <summary>The core closed the link: drop the socket, report nothing.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
            _socket.Dispose();
    }

    /// <summary>The connection failed or both sides finished: drop the socket and tell the node, once.</summary>
    private void Fail(LinkClose reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
            return;
        _socket.Dispose();
        _node.OnConnectionLost(this, reason);
    }

    // Draining (NodeCore.Retire): send what is queued, then FIN, keep reading until the peer's FIN. Guarded by _sendLock.
    private bool _drainRequested;
    private bool _sentFin;
    private bool _gotFin;

    /// <summary>Sends what is queued, then FIN; the link completes when the peer's FIN has arrived too.</summary>
    public void Drain()
    {
        bool idle;
        lock (_sendLock)
        {
            _drainRequested = true;
            idle = !_sending && _queued == 0;
        }
        if (idle)
            ShutdownSend();
        else
            Kick(); // the send's completion shuts down once the queue is empty (ProcessSend)
    }

    private void ShutdownSend()
    {
        bool complete;
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Fail(new LinkClose(CloseKind.Reset, "while leaving"));
            return;
        }
        lock (_sendLock)
        {
            _sentFin = true;
            complete = _gotFin;
        }
        if (complete)
            Fail(new LinkClose(CloseKind.PeerLeft)); // both directions are finished
    }

    /// <summary>The peer's FIN arrived. True when our side had finished already (the link is complete).</summary>
    private bool PeerFinished()
    {
        lock (_sendLock)
        {
            _gotFin = true;
            return _sentFin;
        }
    }

    public override string ToString() => $"connection #{Id}";
}
