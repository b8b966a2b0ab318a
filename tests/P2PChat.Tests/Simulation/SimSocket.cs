// One end of a simulated TCP connection, as the socket driver (Net/Sockets/PeerConnection*.cs) sees it: a bounded
// send queue (the driver's, MaxQueueBytes) that drains into the pipe as the window allows, a kernel receive buffer
// filled by the peer's pipe, the application buffer that keeps a frame's unconsumed tail, and the FIN/RST state.
// Drain: what is queued goes out, then FIN; the connection completes when both FINs are through. Abort drops the
// queue; bytes already on the wire still arrive, then the peer sees RST (always when unread bytes were left, as
// Linux does, otherwise half of the time) or FIN, and anything it sends to the closed end afterwards is answered
// with RST.
using System.Buffers.Binary;
using System.Net;
using P2PChat.Net;

namespace P2PChat.Tests.Simulation;

internal sealed class SimSocket(SimHost host, IPEndPoint remote)
{
    /// <summary>The receive buffer of the real driver (PeerConnection.Receive.cs): at most this much per read, once
    /// grown; like the driver's it starts at InitialReadBufferSize and grows the first time a read fills it (64 KiB on
    /// every link end was most of the simulator's memory: 10,000 nodes took 14 GB).</summary>
    public const int ReadBufferSize = 4 * P2PChat.Net.Protocol.MaxFrameSize;

    public const int InitialReadBufferSize = 4096;

    private byte[] _queue = new byte[256];
    private int _queued;
    private byte[] _inbox = new byte[256];
    private int _inboxLength;
    private byte[] _app = new byte[InitialReadBufferSize];
    private BurstBuffer _appBurst;
    private int _appLength;

    public SimHost Host => host;

    /// <summary>The core's link id; -1 while an inbound connection waits in the accept backlog.</summary>
    public int LinkId { get; set; } = -1;

    public IPEndPoint Remote => remote;

    /// <summary>Null until the connection is established.</summary>
    public SimPipe? Out { get; set; }

    public SimSocket? Peer { get; set; }

    public bool Closed { get; private set; }
    public bool DrainRequested { get; set; }
    public bool SentFin { get; private set; }
    public bool GotFin { get; private set; }
    public bool FinArrived { get; private set; }
    public bool RstArrived { get; private set; }
    public bool ReadScheduled { get; set; }

    public int Queued => _queued;

    public bool HasUnread => _inboxLength > 0;

    /// <summary>Read but not consumed, a whole record: left by a core that stopped in a read, its link over budget
    /// (NodeCore.Receive). Handed back, as the real driver does, before more is read.</summary>
    public bool HasWholeRecord =>
        _appLength >= Protocol.RecordHeaderSize && _appLength >= Protocol.RecordHeaderSize + BinaryPrimitives.ReadUInt16BigEndian(_app);

    /// <summary>Queues a frame for the peer; false when the queue would exceed <paramref name="max"/> bytes.</summary>
    public bool Enqueue(ReadOnlySpan<byte> frame, int max)
    {
        if (Closed || DrainRequested)
            return true; // gone or finishing: the core hears of it otherwise (as PeerConnection.Enqueue)
        if (_queued + frame.Length > max)
            return false;
        Grow(ref _queue, _queued + frame.Length);
        frame.CopyTo(_queue.AsSpan(_queued));
        _queued += frame.Length;
        return true;
    }

    /// <summary>Moves queued bytes onto the wire as far as the window allows; then FIN if draining. True when both
    /// sides have now finished (the connection is complete).</summary>
    public bool Pump()
    {
        if (Closed || Out is null)
            return false;
        if (_queued > 0 && Out.Room > 0)
        {
            int n = Math.Min(_queued, Out.Room);
            Out.Transmit(_queue.AsSpan(0, n));
            _queue.AsSpan(n, _queued - n).CopyTo(_queue);
            _queued -= n;
            Release(ref _queue, _queued);
        }
        if (DrainRequested && _queued == 0 && !SentFin)
        {
            SentFin = true;
            Out.SendFin();
            return GotFin;
        }
        return false;
    }

    /// <summary>A segment from the peer arrived (in order).</summary>
    public void Arrive(SimSegment segment)
    {
        if (Closed)
        {
            if (segment.Kind != SimSegmentKind.Rst)
                Out?.SendRst(); // a segment for a closed socket: the kernel answers with RST
            return;
        }
        switch (segment.Kind)
        {
            case SimSegmentKind.SynAck:
                host.Net.Events.At(host.Net.Now, () => host.ConnectCompleted(this));
                return;
            case SimSegmentKind.Data:
                Grow(ref _inbox, _inboxLength + segment.Data!.Length);
                segment.Data.CopyTo(_inbox.AsSpan(_inboxLength));
                _inboxLength += segment.Data.Length;
                break;
            case SimSegmentKind.Fin:
                FinArrived = true;
                break;
            case SimSegmentKind.Rst:
                RstArrived = true;
                break;
        }
        host.Readable(this);
    }

    /// <summary>One read: up to the free room of the application buffer. Returns the bytes read from the kernel
    /// (the window they free) and the span to hand to the core (unconsumed tail first).</summary>
    public Span<byte> Read(out int read)
    {
        read = Math.Min(_inboxLength, _app.Length - _appLength);
        _inbox.AsSpan(0, read).CopyTo(_app.AsSpan(_appLength));
        _inbox.AsSpan(read, _inboxLength - read).CopyTo(_inbox);
        _inboxLength -= read;
        Release(ref _inbox, _inboxLength);
        _appLength += read;
        return _app.AsSpan(0, _appLength);
    }

    /// <summary>The application consumed <paramref name="consumed"/> bytes of what Read returned.</summary>
    public void Consumed(int consumed)
    {
        bool full = _appLength == _app.Length && _app.Length < ReadBufferSize; // as the driver: a full read grows it once
        byte[] into = full ? new byte[ReadBufferSize] : _app;
        _app.AsSpan(consumed, _appLength - consumed).CopyTo(into);
        _app = into;
        int available = _appLength;
        _appLength -= consumed;
        if (_appBurst.ShouldShrink(available, _app.Length, InitialReadBufferSize) && _appLength == 0)
            _app = new byte[InitialReadBufferSize]; // as the driver: back to small after a run of small reads
    }

    /// <summary>The peer's FIN is read (after every byte before it). True when ours is out too: complete.</summary>
    public bool TakeFin()
    {
        GotFin = true;
        return SentFin;
    }

    /// <summary>The socket is disposed after a finished drain, or a reset or refusal: nothing more is sent.</summary>
    public void Dispose() => Closed = true;

    /// <summary>Closes without flushing the queue (the core's Close, a kill -9): see the file comment.</summary>
    public void Abort(Random random)
    {
        if (Closed)
            return;
        Closed = true;
        _queued = 0;
        if (Out is null)
            return; // still connecting: the SYN-ACK will be answered with RST
        if (_inboxLength > 0 || random.Next(2) == 0)
            Out.SendRst();
        else if (!SentFin)
            Out.SendFin();
    }

    /// <summary>An emptied queue that grew past 16 KiB for a burst (a roster handed to a new neighbour) goes back to its
    /// first size: the kernel frees its socket buffers too, and 10,000 simulated nodes must fit in one process.</summary>
    private static void Release(ref byte[] buffer, int length)
    {
        if (length == 0 && buffer.Length > 16 * 1024)
            buffer = new byte[256];
    }

    private static void Grow(ref byte[] buffer, int needed)
    {
        if (needed > buffer.Length)
            Array.Resize(ref buffer, Math.Max(needed, buffer.Length * 2));
    }
}
