// The send path: exactly one send in flight. Frames queue in a bounded byte buffer; when the send in flight
// completes, everything queued meanwhile goes out as one coalesced send (the two buffers swap, so steady state
// allocates nothing). Short sends continue where they stopped. A peer that stops reading fills the queue and is
// disconnected with a reason instead of making our memory grow.
using System.Net.Sockets;

namespace P2PChat.Net;

internal sealed partial class PeerConnection
{
    /// <summary>Most bytes that may wait for a peer (besides the one send in flight, at most as large again).</summary>
    public const int DefaultMaxQueueBytes = 4 * 1024 * 1024;

    private const int InitialQueueBytes = 16 * 1024;

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

    /// <summary>Queues one whole frame. False if the link is not open (or is leaving); a full queue closes it. With
    /// <paramref name="defer"/> the send is not started: the caller queues a batch and then calls Kick, so the batch
    /// goes out in one send (one system call and one wake-up of the peer instead of one per frame).</summary>
    public bool TryEnqueue(ReadOnlySpan<byte> frame, bool force = false, bool defer = false)
    {
        bool startSend = false;
        bool overflow = false;
        lock (_sendLock)
        {
            if (!force && State != PeerState.Open)
                return false;
            if (_blackHoled)
                return true; // lost on the way, as on a pulled cable
            if (_queued + frame.Length > _node.Options.MaxQueueBytes)
            {
                overflow = true;
            }
            else
            {
                if (_queued + frame.Length > _queue.Length)
                    Array.Resize(ref _queue, Math.Min(_node.Options.MaxQueueBytes, Math.Max(_queue.Length * 2, _queued + frame.Length)));
                frame.CopyTo(_queue.AsSpan(_queued));
                Volatile.Write(ref _lastSent, Environment.TickCount64);
                _queued += frame.Length;
                if (!_sending && !defer)
                {
                    _sending = true;
                    startSend = true;
                    TakeQueue();
                }
            }
        }
        if (overflow)
        {
            Close($"peer is not reading: more than {_node.Options.MaxQueueBytes / 1024} KiB waiting for it");
            return false;
        }
        if (startSend)
            SendLoop();
        return true;
    }

    /// <summary>Starts sending what deferred TryEnqueue calls queued, unless a send is already in flight (its
    /// completion takes the queue).</summary>
    public void Kick()
    {
        if (Volatile.Read(ref _queued) == 0)
            return;
        lock (_sendLock)
        {
            if (_sending || _queued == 0 || State == PeerState.Closed)
                return;
            _sending = true;
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
                _sendArgs.SetBuffer(_inFlight, _inFlightSent, _inFlightLength - _inFlightSent);
                pending = _socket.SendAsync(_sendArgs);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                Close($"send failed: {e.SocketErrorCode}");
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
            Close(_sendArgs.SocketError switch
            {
                SocketError.ConnectionReset or SocketError.Shutdown => "connection reset by peer",
                SocketError.OperationAborted => "closed",
                var error => $"connection lost ({error})",
            });
            return false;
        }

        _inFlightSent += _sendArgs.BytesTransferred;
        if (_inFlightSent < _inFlightLength)
            return true; // short send: continue with the rest

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
            leaving = State == PeerState.Draining;
        }
        if (leaving)
            ShutdownSend();
        return false;
    }
}
