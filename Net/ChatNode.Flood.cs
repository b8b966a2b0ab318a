// The message path. A message seen for the first time is shown once and passed on, byte for byte, to every open
// link except the one it came from; every later copy is dropped (DuplicateFilter). All of it runs under one lock,
// so the sink sees messages one at a time, and the steady state allocates nothing: the frame is copied from the
// receive buffer straight into each neighbour's send queue.
using System.Text;

namespace P2PChat.Net;

internal sealed partial class ChatNode
{
    private readonly Lock _floodLock = new();

    // Guarded by _floodLock.
    private readonly DuplicateFilter _seen = new();
    private MessageLog? _log;
    private readonly byte[] _scratch = new byte[Protocol.MaxFrameSize];
    private ulong _sequence;
    private long _sentAlone;

    private long _duplicates;

    /// <summary>Copies of messages this node already had (what pruning keeps low), for tests and diagnostics.</summary>
    internal long DuplicatesReceived
    {
        get
        {
            lock (_floodLock)
                return _duplicates;
        }
    }

    /// <summary>Messages said while this node had no open link, so nobody received them.</summary>
    public long SentWithoutPeers => Interlocked.Read(ref _sentAlone);

    /// <summary>Sequence number of the last message said here (0 before the first).</summary>
    public ulong LastSequence
    {
        get
        {
            lock (_floodLock)
                return _sequence;
        }
    }

    /// <summary>Called by a link for each whole frame. Returns null, or the protocol error that closes the link.</summary>
    internal string? OnFrame(PeerConnection from, ReadOnlySpan<byte> body, ReadOnlySpan<byte> frame)
    {
        if (from.State == PeerState.Handshaking)
            return OnHello(from, body);

        switch ((FrameType)body[0])
        {
            case FrameType.Chat or FrameType.Replay:
                string? error = FrameReader.TryParseChat(body, out ChatView chat);
                if (error is not null)
                    return error;
                if (chat.Id.Origin == NodeId)
                    return null; // our own message came back round a cycle
                lock (_floodLock)
                {
                    ulong origin = chat.Id.Origin;
                    bool fromOrigin = from.Peer?.NodeId == origin;
                    bool accepted = _seen.TryAccept(chat.Id, chat.History, from == _historySource, fromOrigin);
                    // A relayed copy we already had, or one from an origin we hear directly anyway: this neighbour is a
                    // second path for that origin. Ask it to stop relaying the origin to us (never the origin itself:
                    // it sends its own lines on every link).
                    if (!chat.History && !fromOrigin && (!accepted || HasOpenLinkTo(origin)) && from.AskToPrune(origin))
                        from.TryEnqueue(PruneFrame(origin, stackalloc byte[PruneFrameSize]));
                    if (!accepted)
                    {
                        _duplicates++;
                        return null;
                    }
                    Log.Append(chat.Id, frame);
                    _sink.OnMessage(chat);
                    foreach (PeerConnection link in _open)
                        if (link != from && !link.IsPruned(origin))
                            link.TryEnqueue(frame, defer: true); // sent together after this read (OnReadDone)
                }
                return null;
            case FrameType.Prune:
                if (body.Length != 9)
                    return "malformed PRUNE";
                lock (_floodLock)
                    from.Prune(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(body[1..]));
                return null;
            case FrameType.Unprune:
                if (body.Length != 1)
                    return "malformed UNPRUNE";
                lock (_floodLock)
                    from.Unprune();
                return null;
            case FrameType.Sync:
                return OnSync(from, body);
            case FrameType.Peers:
                return OnPeers(body);
            case FrameType.Presence:
                return OnPresence(from, body, frame);
            case FrameType.Ping:
                return body.Length == 1 ? null : "malformed PING";
            case FrameType.Hello:
                return "a second HELLO";
            default:
                return $"unknown frame type {body[0]}";
        }
    }

    /// <summary>After each read from a peer: sends what that read's messages queued for the other links, one send per
    /// link, and lets the sink write out what they produced.</summary>
    internal void OnReadDone()
    {
        KickSends();
        _sink.Flush();
    }

    /// <summary>Starts the sends of frames queued with defer.</summary>
    public void KickSends()
    {
        foreach (PeerConnection link in _open)
            link.Kick();
    }

    private const int PruneFrameSize = Protocol.LengthPrefixSize + 9;

    private bool HasOpenLinkTo(ulong node)
    {
        foreach (PeerConnection link in _open)
            if (link.Peer?.NodeId == node)
                return true;
        return false;
    }

    private static ReadOnlySpan<byte> PruneFrame(ulong origin, Span<byte> frame)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame, 9);
        frame[Protocol.LengthPrefixSize] = (byte)FrameType.Prune;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(frame[(Protocol.LengthPrefixSize + 1)..], origin);
        return frame;
    }

    private static readonly byte[] UnpruneFrame = [0, 0, 0, 1, (byte)FrameType.Unprune];

    /// <summary>After losing a link: the relay paths pruned around it may have gone with it. Every neighbour relays
    /// everything to us again (until duplicates prune the mesh anew), and a SYNC fetches what was missed meanwhile.</summary>
    private void RepairAfterLinkLoss()
    {
        PeerConnection[] open = _open;
        lock (_floodLock)
            foreach (PeerConnection link in open)
                link.ForgetAskedPrunes();
        foreach (PeerConnection link in open)
        {
            link.TryEnqueue(UnpruneFrame);
            SendSync(link);
        }
    }

    /// <summary>Created on first use so its size follows the options. Guarded by _floodLock.</summary>
    private MessageLog Log => _log ??= new MessageLog(Options.LogCapacity);

    /// <summary>A link with more than this waiting makes HasBacklog true: a local sender (pipe mode) then waits, so a
    /// burst on stdin is paced by the slowest neighbour instead of overflowing its queue and costing the link.</summary>
    public const int SayBacklogBytes = 512 * 1024;

    /// <summary>True while some neighbour has more than SayBacklogBytes waiting.</summary>
    public bool HasBacklog
    {
        get
        {
            foreach (PeerConnection link in _open)
                if (link.QueuedBytes > SayBacklogBytes)
                    return true;
            return false;
        }
    }

    private TaskCompletionSource? _roomWaiter;

    /// <summary>Completes once no neighbour has a backlog (at once when none has). Woken by the links as their queues
    /// go out (OnQueueSent), with a 50 ms fallback for a link that closed meanwhile.</summary>
    public async Task WaitForRoomAsync(CancellationToken cancel)
    {
        while (HasBacklog)
        {
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _roomWaiter, waiter);
            if (!HasBacklog)
                break;
            try
            {
                await waiter.Task.WaitAsync(TimeSpan.FromMilliseconds(50), cancel).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // check again
            }
        }
    }

    /// <summary>A link just handed its whole queue to the socket: a sender waiting for room may go on.</summary>
    internal void OnQueueSent()
    {
        if (Volatile.Read(ref _roomWaiter) is not null)
            Interlocked.Exchange(ref _roomWaiter, null)?.TrySetResult();
    }

    /// <summary>Says <paramref name="text"/> (at most Protocol.MaxTextBytes of UTF-8) to every peer.</summary>
    public MessageId Say(string text, long timeMs)
    {
        lock (_floodLock)
        {
            if (Encoding.UTF8.GetByteCount(text) > Protocol.MaxTextBytes)
                throw new ArgumentException("message text must be 1 to 8192 bytes of UTF-8", nameof(text));
            int textBytes = Encoding.UTF8.GetBytes(text, _scratch.AsSpan(TextOffset));
            return SayScratch(textBytes, timeMs, defer: false);
        }
    }

    /// <summary>Says <paramref name="utf8"/>, which must be 1 to Protocol.MaxTextBytes of valid UTF-8 (pipe mode's
    /// stdin, straight from its read buffer: no string per line).</summary>
    /// <remarks>With <paramref name="defer"/> the sends are not started: the caller says a batch, then calls KickSends.</remarks>
    public MessageId Say(ReadOnlySpan<byte> utf8, long timeMs, bool defer = false)
    {
        lock (_floodLock)
        {
            if (utf8.Length > Protocol.MaxTextBytes)
                throw new ArgumentException("message text must be 1 to 8192 bytes of UTF-8", nameof(utf8));
            utf8.CopyTo(_scratch.AsSpan(TextOffset));
            return SayScratch(utf8.Length, timeMs, defer);
        }
    }

    private int TextOffset => Protocol.LengthPrefixSize + Protocol.ChatHeaderSize + _nameUtf8.Length;

    /// <summary>Frames the text already at TextOffset in _scratch and floods it. Under _floodLock.</summary>
    private MessageId SayScratch(int textBytes, long timeMs, bool defer)
    {
        ReadOnlySpan<byte> textSpan = _scratch.AsSpan(TextOffset, textBytes);
        if (!TextRules.IsValidText(textSpan))
            throw new ArgumentException("message text must be 1 to 8192 bytes of UTF-8");
        var id = new MessageId(NodeId, ++_sequence);
        _seen.TryAccept(id);
        int size = FrameWriter.WriteChat(_scratch, id, timeMs, _nameUtf8, textSpan);
        Log.Append(id, _scratch.AsSpan(0, size));
        PeerConnection[] open = _open;
        if (open.Length == 0)
            Interlocked.Increment(ref _sentAlone);
        foreach (PeerConnection link in open)
            link.TryEnqueue(_scratch.AsSpan(0, size), defer: defer);
        return id;
    }
}
