// Carries the core's events to the UI on a thread of its own, so that a sink that blocks (a pipe nobody reads, a
// stuck terminal) never stops the network: the core appends events under the node's lock, the pump thread takes
// them in batches and calls the sink outside it. Bounded: messages beyond MaxPendingBytes waiting for the sink are
// dropped and counted, and the sink is told how many once it catches up ("N messages were not shown"). Other events
// (joins, leaves, links, lines lost, notices) are few and kept while fewer than MaxPendingEvents of any kind wait in
// all; past that they are dropped and counted too (a member that announces itself and says bye in turn, with nobody
// reading our output, made them pile up without end). Steady state allocates nothing: each message is one record in
// one of two byte buffers that swap between producer and consumer. This file is the producer's side, the node's;
// EventPump.Delivery.cs the pump's.
using System.Buffers.Binary;

namespace P2PChat.Net;

internal sealed partial class EventPump : IDisposable
{
    /// <summary>Message bytes (name and text) that may wait for a slow sink before messages are dropped.</summary>
    public const int MaxPendingBytes = 16 * 1024 * 1024;

    /// <summary>Events of any kind that may wait for the sink, published and not (about 100 bytes each, 20 MB).</summary>
    public const int MaxPendingEvents = 200_000;

    /// <summary>What each of the three record buffers starts at; they double as a burst needs, and keep that size. Not
    /// 64 KiB: three of those were a tenth of a settled peer's heap (192 of ~2,000 KiB with 300 members), and a peer
    /// collects nothing in its first minutes (the GC sizes its young generation from the CPU's cache), so what it
    /// allocates at start stays resident.</summary>
    private const int InitialBufferBytes = 4 * 1024;

    /// <summary>A message: kind, history flag, origin, seq, time, name length, text length, then name and text.</summary>
    private const int MessageHeader = 1 + 1 + 8 + 8 + 8 + 1 + 2 + Protocol.KeySize; // kind history origin seq time nameLen textLen key

    /// <summary>Any other event: kind, then nothing; the event itself waits in the objects list, in order.</summary>
    private const byte OtherKind = 0;
    private const byte MessageKind = 1;

    /// <summary>An event that is not a message (rare: one allocation each is fine).</summary>
    private sealed record Other(IChatSink.EventKind Kind, object Subject, bool Flag = false, LinkClose Close = default, Departure Departure = default,
        string? Before = null);

    private readonly IChatSink _sink;
    private readonly Lock _lock = new();
    // Wakes the pump. Not a SemaphoreSlim: its Wait spins with sched_yield before it blocks, and a pump goes back to
    // waiting after every batch; with 300 nodes in one process that spinning was a third of all CPU samples while
    // users talked. Spin count 0: the pump blocks at once (it is woken at most once per batch).
    private readonly ManualResetEventSlim _signal = new(false, spinCount: 0);
    private readonly Thread _thread;

    // Owned by the producer (the node, under its own lock): the current input's events, published at its end, so the
    // pump's lock is taken once per input, not once per message. Records in _staging, in order; the events other
    // than messages also in _stagingOthers.
    private byte[] _staging = new byte[InitialBufferBytes];
    private int _stagingUsed;
    private List<Other> _stagingOthers = [];
    private int _stagingCount;
    private long _stagingDropped, _stagingDroppedOthers;

    /// <summary>Bytes published and not yet taken by the pump (read without its lock: a momentary value will do).</summary>
    private volatile int _pendingBytes;

    /// <summary>Events published and not yet taken by the pump (as _pendingBytes: written under its lock, read without).</summary>
    private volatile int _pendingCount;

    // Guarded by _lock: what is published and waits for the pump.
    private byte[] _bytes = new byte[InitialBufferBytes];
    private int _used;
    private List<Other> _others = [];
    private int _count;
    private long _dropped, _droppedOthers;
    private bool _stopping;

    /// <summary>Someone (the pump thread, or a socket thread in TryDeliverInline) is calling the sink: nobody else may,
    /// so batches reach it one at a time and in order.</summary>
    private bool _delivering;

    // Owned by the pump thread: the batch being delivered.
    private byte[] _batchBytes = new byte[InitialBufferBytes];
    private int _batchUsed;
    private List<Other> _batchOthers = [];

    private readonly int _maxEvents;

    public EventPump(IChatSink sink, int maxEvents = MaxPendingEvents)
    {
        _sink = sink;
        _maxEvents = maxEvents;
        _thread = new Thread(Run) { IsBackground = true, Name = "p2pchat events" };
        _thread.Start();
    }

    /// <summary>Messages dropped because the sink did not keep up, and reported to it.</summary>
    public long Dropped { get; private set; }

    /// <summary>Messages dropped and not reported yet (the sink never caught up): for a last word at exit.</summary>
    public long UnreportedDrops
    {
        get
        {
            lock (_lock)
                return _dropped + _stagingDropped;
        }
    }

    /// <summary>Events other than messages dropped for the count, and reported to the sink.</summary>
    public long DroppedOthers { get; private set; }

    /// <summary>Events published and waiting for the sink (tests).</summary>
    internal int Waiting
    {
        get
        {
            lock (_lock)
                return _count;
        }
    }

    /// <summary>Whether one more event would pass MaxPendingEvents, counting what waits already.</summary>
    private bool Full => _stagingCount + _pendingCount >= _maxEvents;

    /// <summary>Queues a message; visible to the pump at the next Publish. Only the producer calls it.</summary>
    public void Message(in ChatView message)
    {
        int size = MessageHeader + message.Name.Length + message.Text.Length;
        if (_pendingBytes + _stagingUsed + size > MaxPendingBytes || Full)
        {
            _stagingDropped++;
            return;
        }
        Span<byte> record = Reserve(size);
        record[0] = MessageKind;
        record[1] = (byte)((message.History ? 1 : 0) | (message.Private ? 2 : 0));
        BinaryPrimitives.WriteUInt64LittleEndian(record[2..], message.Id.Origin);
        BinaryPrimitives.WriteUInt64LittleEndian(record[10..], message.Id.Seq);
        BinaryPrimitives.WriteInt64LittleEndian(record[18..], message.TimeMs);
        record[26] = (byte)message.Name.Length;
        BinaryPrimitives.WriteUInt16LittleEndian(record[27..], (ushort)message.Text.Length);
        if (message.Key.Length == Protocol.KeySize)
            message.Key.CopyTo(record[29..]);
        else
            record.Slice(29, Protocol.KeySize).Clear();
        message.Name.CopyTo(record[MessageHeader..]);
        message.Text.CopyTo(record[(MessageHeader + message.Name.Length)..]);
    }

    public void LinkOpened(PeerInfo peer) => Add(new Other(IChatSink.EventKind.LinkOpened, peer));

    public void LinkClosed(PeerInfo peer, LinkClose reason) => Add(new Other(IChatSink.EventKind.LinkClosed, peer, Close: reason));

    public void MemberJoined(MemberInfo member, bool isNew) => Add(new Other(IChatSink.EventKind.MemberJoined, member, Flag: isNew));

    public void MemberLeft(MemberInfo member, Departure reason) => Add(new Other(IChatSink.EventKind.MemberLeft, member, Departure: reason));

    public void MemberRenamed(MemberInfo member, string before) => Add(new Other(IChatSink.EventKind.MemberRenamed, member, Before: before));

    public void LinesLost(LostLines lost) => Add(new Other(IChatSink.EventKind.LinesLost, lost));

    /// <summary>A notice; unlike the other calls, any thread may make it (it is published at once).</summary>
    public void Notice(string text)
    {
        lock (_lock)
        {
            if (_count >= _maxEvents)
            {
                _droppedOthers++;
                return;
            }
            if (_used + 1 > _bytes.Length)
                Array.Resize(ref _bytes, _bytes.Length * 2);
            _bytes[_used++] = OtherKind;
            _others.Add(new Other(IChatSink.EventKind.Notice, text));
            Added(1, wake: true);
        }
    }

    private void Add(Other other)
    {
        if (Full)
        {
            _stagingDroppedOthers++; // never dropped for bytes, only past the count
            return;
        }
        Reserve(1)[0] = OtherKind;
        _stagingOthers.Add(other);
    }

    private Span<byte> Reserve(int size)
    {
        if (_stagingUsed + size > _staging.Length)
            Array.Resize(ref _staging, Math.Max(_staging.Length * 2, _stagingUsed + size));
        Span<byte> record = _staging.AsSpan(_stagingUsed, size);
        _stagingUsed += size;
        _stagingCount++;
        return record;
    }

    /// <summary>Hands the current input's events to the pump (the node calls it when an input ends). Without
    /// <paramref name="wake"/> the pump is not woken: the caller then calls DeliverInlineOrWake once it has released its
    /// own lock.</summary>
    public void Publish(bool wake = true)
    {
        if (_stagingCount == 0 && _stagingDropped == 0 && _stagingDroppedOthers == 0)
            return;
        lock (_lock)
        {
            if (_used == 0)
            {
                (_bytes, _staging) = (_staging, _bytes); // the pump took everything: swap, no copy
                (_others, _stagingOthers) = (_stagingOthers, _others);
                _used = _stagingUsed;
            }
            else
            {
                if (_used + _stagingUsed > _bytes.Length)
                    Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _used + _stagingUsed));
                _staging.AsSpan(0, _stagingUsed).CopyTo(_bytes.AsSpan(_used));
                _used += _stagingUsed;
                _others.AddRange(_stagingOthers);
            }
            _dropped += _stagingDropped;
            _droppedOthers += _stagingDroppedOthers;
            _pendingBytes = _used;
            Added(_stagingCount, wake);
        }
        _stagingOthers.Clear();
        _stagingUsed = 0;
        _stagingCount = 0;
        _stagingDropped = 0;
        _stagingDroppedOthers = 0;
    }

    /// <summary>Under _lock. Wakes the pump when the first events of a batch arrive.</summary>
    private void Added(int count, bool wake)
    {
        bool first = _count == 0;
        _count += count;
        _pendingCount = _count;
        if (first && wake && !_delivering)
            _signal.Set();
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
            _signal.Set();
        }
        _thread.Join(timeout);
    }

    public void Dispose() => Complete(TimeSpan.FromSeconds(1));
}
