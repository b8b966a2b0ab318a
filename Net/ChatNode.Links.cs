// Link bookkeeping: joining through an address, adopting sockets, the HELLO handshake, collapsing two links to
// the same peer into one, noticing links that close, and the timer that enforces handshake and drain deadlines.
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace P2PChat.Net;

internal sealed partial class ChatNode
{
    private readonly Lock _linksLock = new();

    // Guarded by _linksLock.
    private readonly List<PeerConnection> _links = [];
    private readonly Dictionary<ulong, int> _linksPerNode = [];

    /// <summary>Open links, the flood targets. Replaced whole under _linksLock, read without it.</summary>
    private volatile PeerConnection[] _open = [];

    private volatile bool _stopping;

    /// <summary>A link that closes this soon after opening may be the duplicate the other side retired while our
    /// other link to that peer is still handshaking: its "left" waits this long and is dropped if the peer is back.</summary>
    private const long LeaveGraceMs = 500;

    // Guarded by _linksLock: leaves held back by LeaveGraceMs, by node id.
    private readonly Dictionary<ulong, (PeerInfo Peer, string Reason, long Due)> _pendingLeaves = [];

    /// <summary>Distinct peers this node has an open link to.</summary>
    public int DirectPeerCount
    {
        get
        {
            lock (_linksLock)
                return _linksPerNode.Count;
        }
    }

    /// <summary>Distinct peers with an open link, one entry each.</summary>
    public IReadOnlyList<PeerInfo> DirectPeers()
    {
        var seen = new Dictionary<ulong, PeerInfo>();
        foreach (PeerConnection link in _open)
            if (link.Peer is { } peer)
                seen.TryAdd(peer.NodeId, peer);
        return [.. seen.Values];
    }

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
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, cancel).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                throw new ChatNetworkException($"cannot resolve host '{host}'");
            }
            if (addresses.Length == 0)
                throw new ChatNetworkException($"cannot resolve host '{host}': it has no address");
        }

        string reason = "no address to try";
        foreach (IPAddress address in addresses)
        {
            var endPoint = new IPEndPoint(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, port);
            try
            {
                PeerInfo peer = await ConnectAsync(endPoint, cancel).ConfigureAwait(false);
                lock (_linksLock)
                    _book.AddPinned(endPoint); // rejoined whenever links are lost, even after it restarts
                return peer;
            }
            catch (ChatNetworkException e)
            {
                reason = e.Message;
            }
        }
        throw new ChatNetworkException($"cannot connect to {host} port {port}: {reason}");
    }

    /// <summary>One TCP connect and handshake. Throws ChatNetworkException with a short reason.</summary>
    private async Task<PeerInfo> ConnectAsync(IPEndPoint endPoint, CancellationToken cancel)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(Options.ConnectTimeout);
            await socket.ConnectAsync(endPoint, timeout.Token).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new ChatNetworkException(e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "nobody is listening there (connection refused)",
                SocketError.HostUnreachable or SocketError.NetworkUnreachable => "the host is unreachable",
                SocketError.TimedOut => "no answer (timed out)",
                var error => error.ToString(),
            });
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            socket.Dispose();
            throw new ChatNetworkException($"no answer within {Options.ConnectTimeout.TotalSeconds:0} s");
        }

        PeerConnection link = Adopt(socket, outbound: true) ?? throw new ChatNetworkException("too many connections");
        try
        {
            await link.Opened.ConfigureAwait(false);
            return link.Peer!;
        }
        catch (PeerClosedException e)
        {
            throw new ChatNetworkException(e.Message);
        }
    }

    /// <summary>Takes over a connected socket: sends our HELLO and starts reading. Null if refused.</summary>
    private PeerConnection? Adopt(Socket socket, bool outbound)
    {
        var link = new PeerConnection(this, socket, outbound, Environment.TickCount64 + (long)Options.HandshakeTimeout.TotalMilliseconds);
        lock (_linksLock)
        {
            if (_stopping || _links.Count >= Options.MaxConnections)
            {
                socket.Dispose();
                if (!_stopping)
                    _sink.OnNotice($"refused a connection from {link.RemoteEndPoint}: already {Options.MaxConnections} links");
                return null;
            }
            _links.Add(link);
        }
        link.Start(_hello);
        return link;
    }

    /// <summary>Handles the first frame of a link, which must be a valid HELLO. Null or the protocol error.</summary>
    private string? OnHello(PeerConnection link, ReadOnlySpan<byte> body)
    {
        if (body[0] != (byte)FrameType.Hello)
            return "the first frame was not a HELLO";
        string? error = FrameReader.TryParseHello(body, out HelloView hello);
        if (error is not null)
            return error;
        if (hello.Node == NodeId)
        {
            lock (_linksLock)
                _book.Forget(link.RemoteEndPoint);
            link.Close("that address is this peer itself");
            return null;
        }

        var peer = new PeerInfo(hello.Node, Encoding.UTF8.GetString(hello.Name), link.RemoteEndPoint, hello.ListenPort, link.IsOutbound);
        bool joined;
        bool duplicate;
        lock (_linksLock)
        {
            if (_stopping || !link.MarkOpen(peer))
                return null;
            int count = _linksPerNode.GetValueOrDefault(peer.NodeId);
            _linksPerNode[peer.NodeId] = count + 1;
            _open = [.. _open, link];
            // A peer back within the grace period never left, so it does not join either.
            joined = count == 0 && !_pendingLeaves.Remove(peer.NodeId);
            _book.Learn(new IPEndPoint(link.RemoteEndPoint.Address, peer.ListenPort), peer.NodeId);
            _peersChanged = true;
            // Two links to one peer (A joined B while B joined A): only the peer with the lower id decides, so the
            // two sides never retire both; it retires the newer link, gracefully, so nothing in flight is lost.
            duplicate = count > 0 && NodeId < peer.NodeId;
        }
        SendSync(link);
        SendPresence(link);
        if (joined)
            _sink.OnLinkOpened(peer);
        if (duplicate)
            Retire(link, "duplicate link to the same peer");
        return null;
    }

    /// <summary>Stops flooding to a link and lets it drain and close (see PeerState.Draining).</summary>
    private void Retire(PeerConnection link, string reason)
    {
        lock (_linksLock)
            _open = Array.FindAll(_open, l => l != link);
        link.BeginDrain(reason, Environment.TickCount64 + (long)Options.DrainTimeout.TotalMilliseconds);
    }

    /// <summary>The peer closed its side of an open link (it left, or retired this duplicate): flood no more to it,
    /// flush what is queued, and close.</summary>
    internal void OnPeerFinished(PeerConnection link) => Retire(link, "left");

    /// <summary>Called once per link by PeerConnection.Close.</summary>
    internal void OnConnectionClosed(PeerConnection link, bool wasOpen)
    {
        bool left = false;
        lock (_linksLock)
        {
            _links.Remove(link);
            if (wasOpen && link.Peer is { } peer)
            {
                if (Array.IndexOf(_open, link) >= 0)
                    _open = Array.FindAll(_open, l => l != link);
                int count = _linksPerNode[peer.NodeId] - 1;
                if (count == 0)
                    _linksPerNode.Remove(peer.NodeId);
                else
                    _linksPerNode[peer.NodeId] = count;
                left = count == 0;
                _peersChanged = true;
                if (left && Environment.TickCount64 - link.OpenedAt < LeaveGraceMs && !_stopping)
                {
                    _pendingLeaves[peer.NodeId] = (peer, link.CloseReason ?? "left", Environment.TickCount64 + LeaveGraceMs);
                    left = false;
                }
            }
        }
        if (_stopping)
            return;
        if (wasOpen)
            ThreadPool.QueueUserWorkItem(static node => node.RepairAfterLinkLoss(), this, preferLocal: false);
        if (left)
            _sink.OnLinkClosed(link.Peer!, link.CloseReason ?? "left");
        else if (!wasOpen && !link.IsOutbound)
            _sink.OnNotice($"refused a connection from {link.RemoteEndPoint}: {link.CloseReason}");
    }

    private PeerConnection[] SnapshotLinks()
    {
        lock (_linksLock)
            return [.. _links];
    }

    /// <summary>Four times a second: closes links past their handshake or drain deadline, declares silent links
    /// dead, and sends a heartbeat on links we have been quiet on.</summary>
    private void OnTick()
    {
        if (_paused)
            return; // a stopped process does nothing (ChatNode.Faults.cs)
        long now = Environment.TickCount64;
        long deadAfter = (long)Options.DeadAfter.TotalMilliseconds;
        long heartbeat = (long)Options.HeartbeatInterval.TotalMilliseconds;
        foreach (PeerConnection link in SnapshotLinks())
        {
            PeerState state = link.State;
            if (state == PeerState.Handshaking && now > link.HandshakeDeadline)
                link.Close($"no HELLO within {Options.HandshakeTimeout.TotalSeconds:0.#} s");
            else if (state == PeerState.Draining && now > link.DrainDeadline)
                link.Close($"{link.CloseReason} (the peer did not confirm within {Options.DrainTimeout.TotalSeconds:0.#} s)");
            else if (state is PeerState.Open or PeerState.Draining && now - link.LastReceived > deadAfter)
                link.Close($"no sign of life for {Options.DeadAfter.TotalSeconds:0.#} s");
            else if (state == PeerState.Open && now - link.LastSent >= heartbeat)
                link.TryEnqueue(PingFrame);
        }
        if (!_stopping)
        {
            ReportDueLeaves(now);
            MaintainMembership(now);
            MaintainPresence(now);
        }
    }

    private void ReportDueLeaves(long now)
    {
        List<(PeerInfo Peer, string Reason)>? due = null;
        lock (_linksLock)
        {
            foreach ((ulong node, (PeerInfo peer, string reason, long at)) in _pendingLeaves)
                if (now >= at)
                    (due ??= []).Add((peer, reason));
            due?.ForEach(d => _pendingLeaves.Remove(d.Peer.NodeId));
        }
        due?.ForEach(d => _sink.OnLinkClosed(d.Peer, d.Reason));
    }

    private static readonly byte[] PingFrame = [0, 0, 0, 1, (byte)FrameType.Ping];

    /// <summary>Leaves the network: every open link is drained (what we queued is sent, and we wait until the
    /// peer has read it and closed its side). True when every link finished that way within the deadline.</summary>
    public async Task<bool> LeaveAsync()
    {
        _stopping = true;
        _listener?.Dispose();
        PeerConnection[] links = SnapshotLinks();
        PeerConnection[] carried = Array.FindAll(links, l => l.State == PeerState.Open);
        long deadline = Environment.TickCount64 + (long)Options.DrainTimeout.TotalMilliseconds;
        AnnounceLeaving(carried);
        lock (_linksLock)
            _open = [];
        foreach (PeerConnection link in links)
            link.BeginDrain("leaving", deadline);
        Task all = Task.WhenAll(links.Select(l => l.Closed));
        await Task.WhenAny(all, Task.Delay(Options.DrainTimeout + TimeSpan.FromMilliseconds(500))).ConfigureAwait(false);
        bool clean = carried.All(l => l.DrainConfirmed);
        Dispose();
        return clean;
    }
}
