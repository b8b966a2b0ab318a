// A chat sink that only counts: the number of messages, the last sequence number, and the members online. It
// allocates nothing per message, so whatever a benchmark allocates per message is the node's, not the sink's.
using P2PChat.Net;

namespace P2PChat.Micro;

internal sealed class CountingSink : IChatSink
{
    private long _count;
    private long _history;
    private long _target = long.MaxValue;
    private ulong _lastSeq;
    private int _online;
    private readonly ManualResetEventSlim _reached = new(false);

    /// <summary>Messages seen so far (live and replayed).</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Of them, replayed as history.</summary>
    public long HistoryCount => Interlocked.Read(ref _history);

    /// <summary>Sequence number of the last message seen; 0 before the first.</summary>
    public ulong LastSeq => Volatile.Read(ref _lastSeq);

    /// <summary>Members this node's roster reported online, minus those reported gone.</summary>
    public int Online => Volatile.Read(ref _online);

    /// <summary>Arms the signal for the moment Count reaches <paramref name="total"/>.</summary>
    public void Expect(long total)
    {
        _reached.Reset();
        Interlocked.Exchange(ref _target, total);
        if (Count >= total)
            _reached.Set();
    }

    /// <summary>Waits until the count given to Expect is reached; false on timeout.</summary>
    public bool Wait(TimeSpan timeout) => _reached.Wait(timeout);

    public void OnMessage(in ChatView message)
    {
        Volatile.Write(ref _lastSeq, message.Id.Seq);
        if (message.History)
            Interlocked.Increment(ref _history);
        if (Interlocked.Increment(ref _count) >= Volatile.Read(ref _target))
            _reached.Set();
    }

    public void OnLinkOpened(PeerInfo peer)
    {
    }

    public void OnLinkClosed(PeerInfo peer, LinkClose reason)
    {
    }

    public void OnMemberJoined(MemberInfo member, bool isNew) => Interlocked.Increment(ref _online);

    public void OnMemberLeft(MemberInfo member, Departure reason) => Interlocked.Decrement(ref _online);

    public void OnMemberRenamed(MemberInfo member, string before)
    {
    }

    public void OnLinesLost(LostLines lost)
    {
    }

    public void OnNotice(string text)
    {
    }
}
