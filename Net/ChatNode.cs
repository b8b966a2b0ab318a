// One chat peer: listens, connects out, keeps the set of links, floods messages. Links and the accept loop are
// here; the handshake and link bookkeeping are in ChatNode.Links.cs, the message path in ChatNode.Flood.cs.
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace P2PChat.Net;

internal sealed partial class ChatNode : IDisposable
{
    private readonly IChatSink _sink;
    private readonly byte[] _nameUtf8;
    private Socket? _listener;
    private SocketAsyncEventArgs? _acceptArgs;
    private byte[] _hello = [];
    private Timer? _timer;

    public ChatNode(NodeOptions options, IChatSink sink)
    {
        Options = options;
        _sink = sink;
        _nameUtf8 = Encoding.UTF8.GetBytes(options.Name);
        if (!TextRules.IsValidName(_nameUtf8))
            throw new ArgumentException(TextRules.ExplainBadName(options.Name) ?? "invalid name", nameof(options));
        // Random, not secret: it only has to differ between processes. Random.Shared is seeded from the kernel's
        // entropy; RandomNumberGenerator would load libcrypto (OpenSSL) for this one call, ~2.5 MB of resident memory.
        ulong node;
        do
            node = (ulong)Random.Shared.NextInt64() ^ ((ulong)Random.Shared.Next() << 63);
        while (node == 0);
        NodeId = node;
    }

    public NodeOptions Options { get; }

    /// <summary>Random per process, so a restarted peer is a new origin and sequence numbers never repeat.</summary>
    public ulong NodeId { get; }

    public string Name => Options.Name;

    /// <summary>Where this node listens; valid after Start.</summary>
    public IPEndPoint ListenEndPoint { get; private set; } = new(IPAddress.None, 0);

    /// <summary>Binds and starts accepting. Throws ChatNetworkException with a user-facing reason.</summary>
    public void Start()
    {
        _listener = Bind(Options.BindAddress, Options.Port);
        ListenEndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _hello = new byte[FrameWriter.HelloSize(_nameUtf8)];
        FrameWriter.WriteHello(_hello, NodeId, (ushort)ListenEndPoint.Port, _nameUtf8);
        _timer = new Timer(_ => OnTick(), null, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));
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
            Adopt(_acceptArgs.AcceptSocket!, outbound: false);
            return true;
        }
        if (error is SocketError.OperationAborted or SocketError.Interrupted || _stopping)
            return false;
        // Out of descriptors, say: tell the user, keep serving the links we have, try again a little later
        // rather than spinning on an error that repeats at once.
        _sink.OnNotice($"accept failed: {error}");
        Task.Delay(100).ContinueWith(_ => AcceptLoop(), TaskScheduler.Default);
        return false;
    }

    public void Dispose()
    {
        _stopping = true;
        _timer?.Dispose();
        _listener?.Dispose();
        foreach (PeerConnection link in SnapshotLinks())
            link.Close("shutting down");
    }
}
