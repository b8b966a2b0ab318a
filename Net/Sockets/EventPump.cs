// Carries the core's events to the UI on a thread of its own, so that a sink that blocks (a pipe nobody reads, a
// stuck terminal) never stops the network: the core appends events under the node's lock, the pump thread takes
// them in batches and calls the sink outside it. Bounded: messages beyond MaxPendingBytes waiting for the sink are
// dropped and counted, and the sink is told how many once it catches up ("N messages were not shown"). Other events
// (joins, leaves, links) are few and always kept, up to MaxPendingEvents. Steady state allocates nothing: message
// bytes are copied into one of two buffers that swap between producer and consumer.
using P2PChat.Net;

namespace P2PChat.Net;

internal sealed class EventPump : IDisposable
{
    /// <summary>Message bytes (name and text) that may wait for a slow sink before messages are dropped.</summary>
    public const int MaxPendingBytes = 16 * 1024 * 1024;

    /// <summary>Events of any kind that may wait.</summary>
    public const int MaxPendingEvents = 1_000_000;

    private enum Kind : byte
    {
        Message,
        LinkOpened,
        LinkClosed,
        MemberJoined,
        MemberLeft,
        Notice,
    }

    private struct Entry
    {
        public Kind Kind;
        public MessageId Id;
        public long TimeMs;
        public int Offset;
        public int NameLength;
        public int TextLength;
        public bool Flag;
        public object? Subject;
        public LinkClose Close;
        public Departure Departure;
    }

    private readonly IChatSink _sink;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly Thread _thread;

    // Guarded by _lock: what the producer fills.
    private byte[] _bytes = new byte[64 * 1024];
    private int _used;
    private List<Entry> _entries = new(1024);
    private long _dropped;
    private bool _stopping;
    private bool _busy;

    // Owned by the pump thread: the batch being delivered.
    private byte[] _batchBytes = new byte[64 * 1024];
    private List<Entry> _batch = new(1024);

    public EventPump(IChatSink sink)
    {
        _sink = sink;
        _thread = new Thread(Run) { IsBackground = true, Name = "p2pchat events" };
        _thread.Start();
    }

    /// <summary>Messages dropped because the sink did not keep up.</summary>
    public long Dropped { get; private set; }

    public void Message(in ChatView message)
    {
        lock (_lock)
        {
            int size = message.Name.Length + message.Text.Length;
            if (_used + size > MaxPendingBytes || _entries.Count >= MaxPendingEvents)
            {
                _dropped++;
                return;
            }
            if (_used + size > _bytes.Length)
                Array.Resize(ref _bytes, Math.Min(MaxPendingBytes, Math.Max(_bytes.Length * 2, _used + size)));
            message.Name.CopyTo(_bytes.AsSpan(_used));
            message.Text.CopyTo(_bytes.AsSpan(_used + message.Name.Length));
            Add(new Entry
            {
                Kind = Kind.Message, Id = message.Id, TimeMs = message.TimeMs, Offset = _used,
                NameLength = message.Name.Length, TextLength = message.Text.Length, Flag = message.History,
            });
            _used += size;
        }
    }

    public void LinkOpened(PeerInfo peer) => AddEvent(new Entry { Kind = Kind.LinkOpened, Subject = peer });

    public void LinkClosed(PeerInfo peer, LinkClose reason) => AddEvent(new Entry { Kind = Kind.LinkClosed, Subject = peer, Close = reason });

    public void MemberJoined(MemberInfo member, bool isNew) => AddEvent(new Entry { Kind = Kind.MemberJoined, Subject = member, Flag = isNew });

    public void MemberLeft(MemberInfo member, Departure reason) => AddEvent(new Entry { Kind = Kind.MemberLeft, Subject = member, Departure = reason });

    public void Notice(string text) => AddEvent(new Entry { Kind = Kind.Notice, Subject = text });

    private void AddEvent(Entry entry)
    {
        lock (_lock)
        {
            if (_entries.Count >= MaxPendingEvents)
                return;
            Add(entry);
        }
    }

    /// <summary>Under _lock. Wakes the pump when the first event of a batch arrives.</summary>
    private void Add(in Entry entry)
    {
        _entries.Add(entry);
        if (_entries.Count == 1 && !_busy)
            _signal.Release();
    }

    private void Run()
    {
        while (true)
        {
            _signal.Wait();
            while (true)
            {
                long dropped;
                lock (_lock)
                {
                    if (_entries.Count == 0 && _dropped == 0)
                    {
                        _busy = false;
                        if (_stopping)
                            return;
                        break;
                    }
                    _busy = true;
                    (_bytes, _batchBytes) = (_batchBytes, _bytes);
                    (_entries, _batch) = (_batch, _entries);
                    _used = 0;
                    dropped = _dropped;
                    _dropped = 0;
                }
                Deliver(dropped);
                _batch.Clear();
            }
        }
    }

    private void Deliver(long dropped)
    {
        try
        {
            foreach (Entry entry in _batch)
            {
                switch (entry.Kind)
                {
                    case Kind.Message:
                        ReadOnlySpan<byte> name = _batchBytes.AsSpan(entry.Offset, entry.NameLength);
                        ReadOnlySpan<byte> text = _batchBytes.AsSpan(entry.Offset + entry.NameLength, entry.TextLength);
                        _sink.OnMessage(new ChatView(entry.Id, entry.TimeMs, name, text, entry.Flag));
                        break;
                    case Kind.LinkOpened:
                        _sink.OnLinkOpened((PeerInfo)entry.Subject!);
                        break;
                    case Kind.LinkClosed:
                        _sink.OnLinkClosed((PeerInfo)entry.Subject!, entry.Close);
                        break;
                    case Kind.MemberJoined:
                        _sink.OnMemberJoined((MemberInfo)entry.Subject!, entry.Flag);
                        break;
                    case Kind.MemberLeft:
                        _sink.OnMemberLeft((MemberInfo)entry.Subject!, entry.Departure);
                        break;
                    case Kind.Notice:
                        _sink.OnNotice((string)entry.Subject!);
                        break;
                }
            }
            if (dropped > 0)
            {
                Dropped += dropped;
                _sink.OnNotice($"{dropped} messages were not shown: the output was not read fast enough (more than {MaxPendingBytes / (1024 * 1024)} MiB waited)");
            }
            _sink.Flush();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The output is gone (a closed pipe, a vanished terminal): nothing more can be shown; the network goes on.
        }
    }

    /// <summary>Delivers what is waiting, then stops the pump; gives up after <paramref name="timeout"/> (a sink
    /// nobody reads would otherwise hold the exit for ever).</summary>
    public void Complete(TimeSpan timeout)
    {
        lock (_lock)
        {
            if (_stopping)
                return;
            _stopping = true;
            if (!_busy)
                _signal.Release();
        }
        _thread.Join(timeout);
    }

    public void Dispose() => Complete(TimeSpan.FromSeconds(1));
}
