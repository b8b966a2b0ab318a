// The send path: exactly one send in flight. Frames queue in a bounded byte buffer; the node starts the send after
// the input that queued them (Kick), and when the send in flight completes, everything queued meanwhile goes out as
// one coalesced send (the two buffers swap, so steady state allocates nothing). Short sends continue where they
// stopped. A peer that stops reading fills the queue: Enqueue says no and the core closes the link.
using System.Net.Sockets;

namespace P2PChat.Net;

internal sealed partial class PeerConnection
{
    /// <summary>Most bytes that may wait for a peer (besides the one send in flight, at most as large again).</summary>
    public const int DefaultMaxQueueBytes = 4 * 1024 * 1024;

    /// <summary>Small at first (a connection still in its handshake sends a few hundred bytes); doubles as needed.</summary>
    private const int InitialQueueBytes = 1024;

    private readonly int _maxQueueBytes;
    private readonly SocketAsyncEventArgs _sendArgs;
    private readonly Lock _sendLock = new();

    // Guarded by _sendLock.
    private byte[] _queue = new byte[InitialQueueBytes];
    private int _queued;
    private bool _sending;

    // Owned by whoever runs the send in flight.
    private byte[] _inFlight = new byte[InitialQueueBytes];
    private int _inFlightLength;
    private int _inFlightSent;

    /// <summary>Bytes waiting for the peer right now (read without the lock: a momentary value is all callers need).</summary>
    public int QueuedBytes => Volatile.Read(ref _queued);

    /// <summary>Largest piece handed to one send call, so a completion (progress, seen by StalledFor) comes at least
    /// every this many bytes even when megabytes wait.</summary>
    private const int MaxSendPiece = 64 * 1024;

    /// <summary>When the socket last took bytes from us, or a send started from idle (node milliseconds).</summary>
    private long _lastProgress;

    /// <summary>How long bytes have waited without the socket taking any (0 when nothing waits or it moves).</summary>
    public long StalledFor(long now) => BacklogBytes == 0 ? 0 : Math.Max(0, now - Volatile.Read(ref _lastProgress));

    /// <summary>Bytes queued plus those of the send in flight not yet taken by the kernel (momentary, without the lock).</summary>
    public int BacklogBytes => Math.Max(0, Volatile.Read(ref _queued) + Volatile.Read(ref _inFlightLength) - Volatile.Read(ref _inFlightSent));

    /// <summary>Queues one whole frame without starting a send (Kick does). False when the queue is full.</summary>
    public bool Enqueue(ReadOnlySpan<byte> frame)
    {
        lock (_sendLock)
        {
            if (_blackHoled || IsClosed || _drainRequested)
                return true; // lost on the way, as on a pulled cable (or the socket is gone: the core hears of it)
            if (_queued + frame.Length > _maxQueueBytes)
                return false;
            if (_queued + frame.Length > _queue.Length)
                Array.Resize(ref _queue, Math.Min(_maxQueueBytes, Math.Max(_queue.Length * 2, _queued + frame.Length)));
            frame.CopyTo(_queue.AsSpan(_queued));
            _queued += frame.Length;
            return true;
        }
    }

    /// <summary>Starts sending what is queued, unless a send is already in flight (its completion takes the queue).</summary>
    public void Kick()
    {
        Dirty = false;
        if (Volatile.Read(ref _queued) == 0)
            return;
        lock (_sendLock)
        {
            if (_sending || _queued == 0 || IsClosed)
                return;
            _sending = true;
            Volatile.Write(ref _lastProgress, _node.NowMs);
            TakeQueue();
        }
        SendLoop();
    }

    /// <summary>Moves the queue into the in-flight buffer by swapping them. Caller holds _sendLock.</summary>
    private void TakeQueue()
    {
        (_queue, _inFlight) = (_inFlight, _queue);
        _inFlightLength = _queued;
        _inFlightSent = 0;
        _queued = 0;
    }

    private void SendLoop()
    {
        while (true)
        {
            bool pending;
            try
            {
                _sendArgs.SetBuffer(_inFlight, _inFlightSent, Math.Min(MaxSendPiece, _inFlightLength - _inFlightSent));
                pending = _socket.SendAsync(_sendArgs);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                Fail(new LinkClose(CloseKind.Reset, e.SocketErrorCode.ToString()));
                return;
            }
            if (pending || !ProcessSend())
                return;
        }
    }

    private void OnSendCompleted(object? sender, SocketAsyncEventArgs args)
    {
        if (ProcessSend())
            SendLoop();
    }

    /// <summary>Handles one completed send; true when there is more to send now.</summary>
    private bool ProcessSend()
    {
        if (_sendArgs.SocketError != SocketError.Success)
        {
            Fail(_sendArgs.SocketError switch
            {
                SocketError.ConnectionReset or SocketError.Shutdown => new LinkClose(CloseKind.Reset),
                SocketError.OperationAborted => new LinkClose(CloseKind.ShuttingDown),
                var error => new LinkClose(CloseKind.Reset, error.ToString()),
            });
            return false;
        }

        _inFlightSent += _sendArgs.BytesTransferred;
        Volatile.Write(ref _lastProgress, _node.NowMs);
        if (_inFlightSent < _inFlightLength)
            return true; // a short send or one piece of many: continue with the rest

        bool leaving;
        lock (_sendLock)
        {
            if (_queued > 0)
            {
                TakeQueue();
                _node.OnQueueSent();
                return true;
            }
            _sending = false;
            _inFlightLength = 0;
            leaving = _drainRequested && !_sentFin;
        }
        _node.OnQueueSent();
        if (leaving)
            ShutdownSend();
        return false;
    }
}
