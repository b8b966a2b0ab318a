// The receive loop: one SocketAsyncEventArgs and one buffer, re-armed after each completion; synchronous
// completions are handled in the same loop (never by recursion). Bytes go through FrameReader; the unconsumed
// tail of a frame split across reads is moved to the front of the buffer and completed by the next read.
using System.Net.Sockets;

namespace P2PChat.Net;

internal sealed partial class PeerConnection
{
    /// <summary>Room for several whole frames, so one read can carry a burst and a max-size frame always fits.</summary>
    private const int ReceiveBufferSize = 4 * Protocol.MaxFrameSize;

    private readonly SocketAsyncEventArgs _receiveArgs;
    private readonly byte[] _receiveBuffer = new byte[ReceiveBufferSize];

    /// <summary>Bytes [0, _received) of _receiveBuffer hold the start of a frame not yet complete.</summary>
    private int _received;

    private void ReceiveLoop()
    {
        while (true)
        {
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
                Close($"receive failed: {e.SocketErrorCode}");
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

    /// <summary>Everything received from now on is dropped unread; see TryEnqueue for the other direction.</summary>
    public void BlackHole() => _blackHoled = true;

    /// <summary>Processes the read that arrived while the node was paused, if any, and re-arms the loop.</summary>
    public void ResumeReceive()
    {
        if (Interlocked.Exchange(ref _parked, 0) == 1)
            ThreadPool.UnsafeQueueUserWorkItem(static link => link.OnReceiveCompleted(null, link._receiveArgs), this, preferLocal: false);
    }

    /// <summary>Handles one completed read; false when the link is closed and the loop must stop.</summary>
    private bool ProcessReceive()
    {
        if (_node.IsPaused)
        {
            // Park the read. If Resume ran between the check and the write, claim it back and go on here.
            Volatile.Write(ref _parked, 1);
            if (_node.IsPaused || Interlocked.Exchange(ref _parked, 0) == 0)
                return false;
        }
        if (_blackHoled)
        {
            // Lost on the way. Data: read on, into the same space. A FIN or a reset would never cross a pulled cable
            // either: stop reading and let the heartbeat timeout find the link dead.
            return _receiveArgs.SocketError == SocketError.Success && _receiveArgs.BytesTransferred > 0;
        }
        if (_receiveArgs.SocketError != SocketError.Success)
        {
            Close(_receiveArgs.SocketError switch
            {
                SocketError.ConnectionReset => "connection reset by peer",
                SocketError.OperationAborted => "closed",
                SocketError.TimedOut => "connection timed out",
                var error => $"connection lost ({error})",
            });
            return false;
        }
        if (_receiveArgs.BytesTransferred == 0)
        {
            PeerState state = State;
            if (state == PeerState.Draining)
            {
                // The peer read everything up to our FIN and closed its side: the drain is complete.
                DrainConfirmed = true;
                Close(CloseReason ?? "left");
            }
            else if (state == PeerState.Handshaking)
            {
                Close("closed before the handshake finished");
            }
            else
            {
                // The peer is leaving, or retiring this link as a duplicate: it still reads until we close, so send
                // what we have queued for it first (closing now would lose it), then close (ShutdownSend).
                _peerFinished = true;
                _node.OnPeerFinished(this);
            }
            return false;
        }

        Volatile.Write(ref _lastReceived, Environment.TickCount64);
        int available = _received + _receiveArgs.BytesTransferred;
        ReadOnlySpan<byte> data = _receiveBuffer.AsSpan(0, available);
        while (true)
        {
            FrameStatus status = FrameReader.TryReadFrame(data, out ReadOnlySpan<byte> body, out int consumed);
            if (status == FrameStatus.Incomplete)
                break;
            if (status != FrameStatus.Complete)
            {
                Close(status == FrameStatus.TooLarge
                    ? $"protocol error: frame larger than {Protocol.MaxFrameBody} bytes"
                    : "protocol error: empty frame");
                _node.OnReadDone(); // what the good frames before it queued for others still goes out now
                return false;
            }
            string? error = _node.OnFrame(this, body, data[..consumed]);
            if (error is not null)
            {
                Close($"protocol error: {error}");
                _node.OnReadDone();
                return false;
            }
            if (State == PeerState.Closed)
            {
                _node.OnReadDone();
                return false;
            }
            data = data[consumed..];
        }

        // Keep the partial frame for the next read.
        data.CopyTo(_receiveBuffer);
        _received = data.Length;
        _node.OnReadDone();
        return true;
    }
}
