// A simulated machine: an address, a listening port, its sockets, and the process on it (a NodeCore in NodeHost,
// a hand-written peer in InjectorHost). Owns what the kernel and the socket driver do for the process: the accept
// backlog, scheduling reads as bytes arrive, the window updates that tell a sender the reader made room, and the
// stopped (SIGSTOP) and killed states. A stopped process reads, accepts and ticks nothing; its kernel keeps
// accepting connections and buffering bytes.
using System.Net;
using P2PChat.Net;

namespace P2PChat.Tests.Simulation;

internal abstract class SimHost(SimNetwork net, IPEndPoint endPoint, string label)
{
    private readonly List<SimSocket> _backlog = [];
    private readonly List<SimSocket> _dirty = [];
    private int _nextEphemeralPort = 40000;

    public SimNetwork Net => net;
    public IPEndPoint EndPoint => endPoint;
    public string Label => label;

    /// <summary>This host's share of the one-way delay of its links, drawn once.</summary>
    public int LatencyMs { get; init; }

    public bool Alive { get; private set; } = true;
    public bool Paused { get; private set; }

    /// <summary>Sockets the process knows, in the order they became known (for kill and resume).</summary>
    protected List<SimSocket> Sockets { get; } = [];

    public IPEndPoint NextLocalEndPoint() => new(endPoint.Address, _nextEphemeralPort++);

    // Process callbacks: each is one input to the process, called from an event, never from inside another.
    protected abstract bool Accept(SimSocket socket);
    protected abstract void Connected(SimSocket socket);
    protected abstract int Consume(SimSocket socket, ReadOnlySpan<byte> data);

    /// <summary>When the process will take more from <paramref name="socket"/> (NodeCore.ReadableAt); now by default.</summary>
    protected virtual long ReadableAt(SimSocket socket) => net.Now;
    protected abstract void Finished(SimSocket socket);
    public abstract void Lost(SimSocket socket, LinkClose reason);

    /// <summary>Called after every input: sends what it queued.</summary>
    protected void AfterInput()
    {
        for (int i = 0; i < _dirty.Count; i++)
        {
            SimSocket socket = _dirty[i];
            if (socket.Pump())
                Complete(socket);
        }
        _dirty.Clear();
        AfterOutputs();
    }

    /// <summary>After each input's outputs went out: the node host plans its next tick (the driver's Settle does).</summary>
    protected virtual void AfterOutputs()
    {
    }

    protected void MarkDirty(SimSocket socket)
    {
        if (!_dirty.Contains(socket))
            _dirty.Add(socket);
    }

    /// <summary>Both FINs are through: the driver closes and reports the link lost (NodeCore reports the retire reason).</summary>
    public void Complete(SimSocket socket)
    {
        socket.Dispose();
        net.Events.At(net.Now, () => Input(() => Lost(socket, new LinkClose(CloseKind.PeerLeft))));
    }

    /// <summary>The kernel completed an inbound connection: the process accepts it now, or when it resumes.</summary>
    public void Incoming(SimSocket socket)
    {
        _backlog.Add(socket);
        if (!Paused)
            net.Events.At(net.Now, AcceptBacklog);
    }

    private void AcceptBacklog()
    {
        while (Alive && !Paused && _backlog.Count > 0)
        {
            SimSocket socket = _backlog[0];
            _backlog.RemoveAt(0);
            if (socket.Closed)
                continue;
            if (!Accept(socket))
            {
                socket.Abort(net.Random);
                continue;
            }
            Sockets.Add(socket);
            AfterInput();
            Readable(socket);
        }
    }

    /// <summary>Something arrived on <paramref name="socket"/>: read it soon (0-2 ms, so segments glue sometimes).</summary>
    public void Readable(SimSocket socket)
    {
        if (socket.ReadScheduled || !Alive || Paused || socket.LinkId < 0)
            return;
        socket.ReadScheduled = true;
        net.Events.At(net.Now + net.Random.Next(3), () => Read(socket));
    }

    private void Read(SimSocket socket)
    {
        socket.ReadScheduled = false;
        if (!Alive || Paused || socket.Closed)
            return;
        Span<byte> data = socket.Read(out int read);
        if (read > 0 || socket.HasWholeRecord)
        {
            socket.Peer!.Out!.Acknowledge(read);
            int consumed = Consume(socket, data);
            socket.Consumed(consumed);
            AfterInput();
            if (socket.Closed)
                return;
        }
        if (socket.HasWholeRecord && !socket.HasUnread && ReadableAt(socket) > net.Now)
        {
            // Left by a core that stopped in a read (a link over budget, or running ahead of another path): handed
            // back when the core says it will take it, as the driver's hold does.
            socket.ReadScheduled = true;
            net.Events.At(ReadableAt(socket), () => Read(socket));
        }
        else if (socket.HasUnread || socket.HasWholeRecord)
        {
            Readable(socket);
        }
        else if (socket.RstArrived)
        {
            socket.Dispose();
            Lost(socket, new LinkClose(CloseKind.Reset));
            AfterInput();
        }
        else if (socket.FinArrived && !socket.GotFin)
        {
            bool complete = socket.TakeFin();
            Finished(socket);
            AfterInput();
            if (complete && !socket.Closed)
                Complete(socket);
        }
    }

    /// <summary>The SYN-ACK of an outbound connection arrived.</summary>
    public void ConnectCompleted(SimSocket socket) => Input(() =>
    {
        if (socket.Closed)
            return;
        Connected(socket);
        AfterInput();
        Readable(socket);
    });

    private readonly List<Action> _whilePaused = [];

    /// <summary>Runs a driver input now, or when a stopped process resumes; never on a dead one.</summary>
    public void Input(Action input)
    {
        if (!Alive)
            return;
        if (Paused)
        {
            _whilePaused.Add(input);
            return;
        }
        input();
        AfterInput();
    }

    /// <summary>SIGSTOP.</summary>
    public void Pause() => Paused = true;

    /// <summary>SIGCONT: the backlog is accepted and what arrived meanwhile is read.</summary>
    public void Resume()
    {
        if (!Paused)
            return;
        Paused = false;
        if (!Alive)
            return;
        AcceptBacklog();
        foreach (Action input in _whilePaused.ToArray())
            Input(input);
        _whilePaused.Clear();
        foreach (SimSocket socket in Sockets.ToArray())
            if (!socket.Closed && (socket.HasUnread || socket.FinArrived || socket.RstArrived))
                Readable(socket);
    }

    /// <summary>kill -9: the kernel closes every socket (FIN, or RST when bytes were unread), nobody listens any more.</summary>
    public virtual void Kill()
    {
        if (!Alive)
            return;
        Alive = false;
        net.StopListening(this);
        foreach (SimSocket socket in Sockets)
            socket.Abort(net.Random);
        foreach (SimSocket socket in _backlog)
            socket.Abort(net.Random);
        _backlog.Clear();
    }
}
