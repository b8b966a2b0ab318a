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
                    if (!_seen.TryAccept(chat.Id, chat.History, from == _historySource, from.Peer?.NodeId == chat.Id.Origin))
                        return null;
                    Log.Append(chat.Id, frame);
                    _sink.OnMessage(chat);
                    foreach (PeerConnection link in _open)
                        if (link != from)
                            link.TryEnqueue(frame);
                }
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

    /// <summary>After each read from a peer: lets the sink write out what that read's messages produced.</summary>
    internal void OnReadDone() => _sink.Flush();

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

    /// <summary>Completes once no neighbour has a backlog (at once when none has). Polls every millisecond: it only
    /// waits while megabytes are queued, which take milliseconds to drain anyway.</summary>
    public async Task WaitForRoomAsync(CancellationToken cancel)
    {
        while (HasBacklog)
            await Task.Delay(1, cancel).ConfigureAwait(false);
    }

    /// <summary>Says <paramref name="text"/> (at most Protocol.MaxTextBytes of UTF-8) to every peer.</summary>
    public MessageId Say(string text, long timeMs)
    {
        lock (_floodLock)
        {
            if (Encoding.UTF8.GetByteCount(text) > Protocol.MaxTextBytes)
                throw new ArgumentException("message text must be 1 to 8192 bytes of UTF-8", nameof(text));
            int textBytes = Encoding.UTF8.GetBytes(text, _scratch.AsSpan(TextOffset));
            return SayScratch(textBytes, timeMs);
        }
    }

    /// <summary>Says <paramref name="utf8"/>, which must be 1 to Protocol.MaxTextBytes of valid UTF-8 (pipe mode's
    /// stdin, straight from its read buffer: no string per line).</summary>
    public MessageId Say(ReadOnlySpan<byte> utf8, long timeMs)
    {
        lock (_floodLock)
        {
            if (utf8.Length > Protocol.MaxTextBytes)
                throw new ArgumentException("message text must be 1 to 8192 bytes of UTF-8", nameof(utf8));
            utf8.CopyTo(_scratch.AsSpan(TextOffset));
            return SayScratch(utf8.Length, timeMs);
        }
    }

    private int TextOffset => Protocol.LengthPrefixSize + Protocol.ChatHeaderSize + _nameUtf8.Length;

    /// <summary>Frames the text already at TextOffset in _scratch and floods it. Under _floodLock.</summary>
    private MessageId SayScratch(int textBytes, long timeMs)
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
            link.TryEnqueue(_scratch.AsSpan(0, size));
        return id;
    }
}
