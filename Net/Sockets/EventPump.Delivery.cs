// The consumer side of EventPump: the pump thread's loop, and a socket thread's delivery in place of it when that is
// cheap and cannot block (TryDeliverInline); either calls the sink outside the node's lock, one batch at a time.
using System.Buffers.Binary;

namespace P2PChat.Net;

internal sealed partial class EventPump
{
    /// <summary>After a Publish without waking: delivers here if that is cheap and safe, else wakes the pump.</summary>
    public void DeliverInlineOrWake()
    {
        if (TryDeliverInline())
            return;
        lock (_lock)
            if ((_count > 0 || _dropped > 0 || _droppedOthers > 0) && !_delivering)
                _signal.Set();
    }

    /// <summary>Most message bytes (records: header, name, text) a socket thread delivers itself (TryDeliverInline).
    /// Plain output shows a name or text byte as at most TextSanitizer.MaxExpansion (4) bytes and adds 3 per line, less
    /// than 4 times the 29-byte record header, so it stays within 4 KiB, a page: a write of up to a page into a pipe that
    /// polls writable does not block.</summary>
    public const int InlineMaxBytes = 1024;

    /// <summary>Delivers what is waiting on the calling thread, when that is cheap and cannot block: nobody else is
    /// delivering, it is a few messages and nothing else, and the sink says a small write would not block. The socket
    /// driver calls it after an input, outside its lock. False when it left the work to the pump.</summary>
    private bool TryDeliverInline()
    {
        if (_pendingBytes is 0 or > InlineMaxBytes)
            return false;
        int recordBytes;
        lock (_lock)
        {
            if (_delivering || !SmallBatchWaits())
                return false;
            _delivering = true; // the claim: neither the pump nor another socket thread writes until we are done
            recordBytes = _used;
        }
        // Asked while holding the claim, so that no other write comes between the sink's answer and ours (the pump
        // could write a burst there when it was asked first, and this write then block).
        bool ready = _sink.ReadyForSmallWrite(recordBytes);
        lock (_lock)
        {
            if (!ready || _used != recordBytes || !SmallBatchWaits())
            {
                _delivering = false; // the caller wakes the pump
                return false;
            }
            TakeBatch();
        }
        Deliver(0);
        _batchOthers.Clear();
        lock (_lock)
        {
            _delivering = false;
            if (_count > 0 || _dropped > 0 || _droppedOthers > 0 || _stopping)
                _signal.Set(); // published meanwhile: the pump takes it
        }
        return true;
    }

    /// <summary>Under _lock: what waits is a few messages and nothing else.</summary>
    private bool SmallBatchWaits() =>
        _count > 0 && _used <= InlineMaxBytes && _others.Count == 0 && _dropped == 0 && _droppedOthers == 0 && !_stopping;

    /// <summary>Under _lock: the published events become the batch to deliver.</summary>
    private void TakeBatch()
    {
        (_bytes, _batchBytes) = (_batchBytes, _bytes);
        (_others, _batchOthers) = (_batchOthers, _others);
        _batchUsed = _used;
        _used = 0;
        _count = 0;
        _pendingCount = 0;
        _pendingBytes = 0;
    }

    private void Run()
    {
        while (true)
        {
            _signal.Wait();
            _signal.Reset(); // before taking the batch: a Set after this takes its events in the next round
            while (true)
            {
                long dropped, droppedOthers;
                lock (_lock)
                {
                    if (_delivering)
                        break; // a socket thread is delivering; it wakes us if more comes meanwhile
                    if (_count == 0 && _dropped == 0 && _droppedOthers == 0)
                    {
                        if (_stopping)
                            return;
                        break;
                    }
                    _delivering = true;
                    TakeBatch();
                    dropped = _dropped;
                    _dropped = 0;
                    droppedOthers = _droppedOthers;
                    _droppedOthers = 0;
                }
                Deliver(dropped, droppedOthers);
                _batchOthers.Clear();
                lock (_lock)
                    _delivering = false;
            }
        }
    }

    private void Deliver(long dropped, long droppedOthers = 0)
    {
        try
        {
            int other = 0;
            int at = 0;
            while (at < _batchUsed)
            {
                if (_batchBytes[at] == OtherKind)
                {
                    DeliverOther(_batchOthers[other++]);
                    at++;
                    continue;
                }
                ReadOnlySpan<byte> record = _batchBytes.AsSpan(at);
                var id = new MessageId(BinaryPrimitives.ReadUInt64LittleEndian(record[2..]), BinaryPrimitives.ReadUInt64LittleEndian(record[10..]));
                long time = BinaryPrimitives.ReadInt64LittleEndian(record[18..]);
                int nameLength = record[26];
                int textLength = BinaryPrimitives.ReadUInt16LittleEndian(record[27..]);
                ReadOnlySpan<byte> name = record.Slice(MessageHeader, nameLength);
                ReadOnlySpan<byte> text = record.Slice(MessageHeader + nameLength, textLength);
                _sink.OnMessage(new ChatView(id, time, name, text, (record[1] & 1) != 0)
                {
                    Key = record.Slice(29, Protocol.KeySize),
                    Private = (record[1] & 2) != 0,
                });
                at += MessageHeader + nameLength + textLength;
            }
            if (dropped > 0)
            {
                Dropped += dropped;
                _sink.OnNotice($"{dropped} messages were not shown: the output was not read fast enough (more than {MaxPendingBytes / (1024 * 1024)} MiB or {_maxEvents} events waited)");
            }
            if (droppedOthers > 0)
            {
                DroppedOthers += droppedOthers;
                _sink.OnNotice($"{droppedOthers} events (joins, leaves, links) were not shown: the output was not read fast enough (more than {_maxEvents} events waited)");
            }
            _sink.Flush();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The output is gone (a closed pipe, a vanished terminal): nothing more can be shown; the network goes on.
        }
    }

    private void DeliverOther(Other other)
    {
        switch (other.Kind)
        {
            case IChatSink.EventKind.LinkOpened:
                _sink.OnLinkOpened((PeerInfo)other.Subject);
                break;
            case IChatSink.EventKind.LinkClosed:
                _sink.OnLinkClosed((PeerInfo)other.Subject, other.Close);
                break;
            case IChatSink.EventKind.MemberJoined:
                _sink.OnMemberJoined((MemberInfo)other.Subject, other.Flag);
                break;
            case IChatSink.EventKind.MemberLeft:
                _sink.OnMemberLeft((MemberInfo)other.Subject, other.Departure);
                break;
            case IChatSink.EventKind.MemberRenamed:
                _sink.OnMemberRenamed((MemberInfo)other.Subject, other.Before!);
                break;
            case IChatSink.EventKind.LinesLost:
                _sink.OnLinesLost((LostLines)other.Subject);
                break;
            default:
                _sink.OnNotice((string)other.Subject);
                break;
        }
    }
}
