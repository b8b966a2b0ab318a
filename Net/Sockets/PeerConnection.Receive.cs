// The receive loop: one SocketAsyncEventArgs and one buffer, re-armed after each completion; synchronous
// completions are handled in the same loop (never by recursion). The node hands the bytes to the core, which takes
// every whole frame; the unconsumed tail of a frame split across reads is moved to the front of the buffer and
// completed by the next read.
using System.Net.Sockets;

namespace P2PChat.Net;

internal sealed partial class PeerConnection
{
    /// <summary>Room for several whole frames, so one read can carry a burst and a max-size record always fits.</summary>
    private const int ReceiveBufferSize = 4 * Protocol.MaxFrameSize;

    /// <summary>What a new connection starts with: handshake records are at most 256 bytes, so a stranger that never
    /// finishes costs 4 KiB, not 64; reads that fill it grow it toward ReceiveBufferSize, and a run of small reads
    /// after the burst takes it back (BurstBuffer).</summary>
    private const int InitialReceiveBufferSize = 4096;

    private readonly SocketAsyncEventArgs _receiveArgs;
    private byte[] _receiveBuffer = new byte[InitialReceiveBufferSize];
    private BurstBuffer _burst;

    /// <summary>The read buffer's size now (diagnostics: ChatNode.LinkBufferBytes).</summary>
    public int ReceiveBufferLength => _receiveBuffer.Length;

    /// <summary>Bytes [0, _received) of _receiveBuffer hold the start of a frame not yet complete.</summary>
    private int _received;

    /// <summary>Reads that complete at once are handled in this loop; after this many in a row the loop goes back to the
    /// thread pool, so a link that always has data (a flood) does not keep this thread, and the node's lock, from the
    /// others (the lock is not fair: a thread that releases and takes it again at once usually wins).</summary>
    private const int MaxInlineReads = 8;

    private void ReceiveLoop()
    {
        for (int inline = 0; ; inline++)
        {
            if (inline == MaxInlineReads)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static link => link.ReceiveLoop(), this, preferLocal: false);
                return;
            }
            if (!_node.ReadsPaused && HasWholeRecord())
            {
                // Left by a read the core stopped in, its link over budget or running ahead of another path
                // (NodeCore.Receive): handled before reading more, which may never come.
                if (!Consume(_received))
                    return;
                continue;
            }
            bool pending;
            try
            {
                _receiveArgs.SetBuffer(_receiveBuffer, _received, _receiveBuffer.Length - _received);
                pending = _socket.ReceiveAsync(_receiveArgs);
            }
            catch (ObjectDisposedException)
            {
                return; // closed by another thread
            }
            catch (SocketException e)
            {
                Fail(new LinkClose(CloseKind.Reset, e.SocketErrorCode.ToString()));
                return;
            }
            if (pending || !ProcessReceive())
                return;
        }
    }

    private void OnReceiveCompleted(object? sender, SocketAsyncEventArgs args)
    {
        if (ProcessReceive())
            ReceiveLoop();
    }

    // Fault injection (ChatNode.Faults.cs). 1 while a completed read waits for a paused node to resume.
    private int _parked;
    private volatile bool _blackHoled;

    /// <summary>Everything received from now on is dropped unread; see Enqueue for the other direction.</summary>
    public void BlackHole() => _blackHoled = true;

    /// <summary>Processes the read that arrived while the node was paused, if any, and re-arms the loop.</summary>
    public void ResumeReceive()
    {
        if (Interlocked.Exchange(ref _parked, 0) == 1)
            ThreadPool.UnsafeQueueUserWorkItem(static link => link.OnReceiveCompleted(null, link._receiveArgs), this, preferLocal: false);
    }

    /// <summary>Handles one completed read; false when the loop must stop.</summary>
    private bool ProcessReceive()
    {
        if (_node.ReadsPaused)
        {
            // Park the read. If Resume ran between the check and the write, claim it back and go on here.
            Volatile.Write(ref _parked, 1);
            if (_node.ReadsPaused || Interlocked.Exchange(ref _parked, 0) == 0)
                return false;
        }
        if (_blackHoled)
        {
            // Lost on the way. Data: read on, into the same space. A FIN or a reset would never cross a pulled cable
            // either: stop reading and let the heartbeat timeout find the link dead.
            return _receiveArgs.SocketError == SocketError.Success && _receiveArgs.BytesTransferred > 0;
        }
        if (IsClosed)
            return false;
        if (_receiveArgs.SocketError != SocketError.Success)
        {
            Fail(_receiveArgs.SocketError switch
            {
                SocketError.ConnectionReset => new LinkClose(CloseKind.Reset),
                SocketError.OperationAborted => new LinkClose(CloseKind.ShuttingDown),
                SocketError.TimedOut => new LinkClose(CloseKind.Reset, "timed out"),
                var error => new LinkClose(CloseKind.Reset, error.ToString()),
            });
            return false;
        }
        if (_receiveArgs.BytesTransferred == 0)
        {
            bool complete = PeerFinished();
            _node.OnPeerFinished(this);
            if (complete)
                Fail(new LinkClose(CloseKind.PeerLeft));
            return false;
        }

        return Consume(_received + _receiveArgs.BytesTransferred);
    }

    /// <summary>Whether the bytes kept from the last read start with a whole record.</summary>
    private bool HasWholeRecord() =>
        _received >= Protocol.RecordHeaderSize
        && _received >= Protocol.RecordHeaderSize + System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(_receiveBuffer);

    /// <summary>Hands the first <paramref name="available"/> bytes of the buffer to the node and keeps what it left;
    /// false when the loop must stop.</summary>
    private bool Consume(int available)
    {
        int consumed = _node.OnReceived(this, _receiveBuffer.AsSpan(0, available));
        if (IsClosed)
            return false;
        // A read that filled the buffer: more is coming (a burst, or a record larger than the buffer). Grow, fourfold
        // (4, 16, 64 KiB): a neighbour's roster at a join fills 16 KiB, and a buffer grown straight to 64 KiB stayed
        // resident in every peer long after (nothing is collected for minutes); a stream still gets 64 KiB reads after
        // its second full one.
        bool full = available == _receiveBuffer.Length && _receiveBuffer.Length < ReceiveBufferSize;
        // Keep the partial record for the next read.
        _received = available - consumed;
        if (full)
        {
            byte[] larger = new byte[Math.Min(ReceiveBufferSize, 4 * _receiveBuffer.Length)];
            _receiveBuffer.AsSpan(consumed, _received).CopyTo(larger);
            _receiveBuffer = larger;
        }
        else if (_received > 0)
        {
            _receiveBuffer.AsSpan(consumed, _received).CopyTo(_receiveBuffer);
        }
        // Grown for a burst and quiet since: back to the small buffer (nothing is kept in it, nothing to copy).
        if (_burst.ShouldShrink(available, _receiveBuffer.Length, InitialReceiveBufferSize) && _received == 0)
            _receiveBuffer = new byte[InitialReceiveBufferSize];
        // Last: once held, another thread may arm the next read at any moment (Release).
        return !_node.TryHold(this);
    }

    /// <summary>When the core will take more from this link (NodeCore.ReadableAt), set after each read under the node's
    /// lock and read by the holding logic (ChatNode.Pressure.cs) without it.</summary>
    public long ReadableAt
    {
        get => Volatile.Read(ref _readableAt);
        set => Volatile.Write(ref _readableAt, value);
    }

    private long _readableAt;

    /// <summary>ReadableAt is later than now because the link runs ahead of another path (NodeCore.RunsAhead), not
    /// because it is over its budget.</summary>
    public bool HeldForOrder
    {
        get => Volatile.Read(ref _heldForOrder);
        set => Volatile.Write(ref _heldForOrder, value);
    }

    private bool _heldForOrder;

    // 1 while the next read is held back (ChatNode.Pressure.cs).
    private int _held;

    /// <summary>Held with bytes waiting, in the socket or in our buffer (a read the core stopped in): the peer is alive
    /// even though we do not read it now. The buffer is not touched while the connection is held.</summary>
    public bool HasUnreadBytes => Volatile.Read(ref _held) == 1 && !IsClosed && (HasWholeRecord() || HasBytesInKernel);

    /// <summary>The kernel holds bytes from this peer that we have not read (FIONREAD): we are behind on the link, and
    /// its peer is alive however long ago we last handled anything from it.</summary>
    public bool HasBytesInKernel
    {
        get
        {
            try
            {
                return !IsClosed && _socket.Available > 0;
            }
            catch (Exception e) when (e is ObjectDisposedException or System.Net.Sockets.SocketException)
            {
                return false;
            }
        }
    }

    /// <summary>Reads held because this link was over its budget (ChatNode.Pressure.cs).</summary>
    public long BudgetHolds { get; set; }

    /// <summary>The next read is not armed until Release.</summary>
    public void Hold() => Volatile.Write(ref _held, 1);

    /// <summary>Arms the read that Hold held back, off the caller's thread (it may hold the node's locks).</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _held, 0) == 1 && !IsClosed)
            ThreadPool.UnsafeQueueUserWorkItem(static link => link.ReceiveLoop(), this, preferLocal: false);
    }
}
