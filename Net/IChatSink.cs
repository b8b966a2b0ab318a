// What a node reports to whoever shows the chat (terminal UI, pipe writer, tests). The socket driver calls it from
// one pump thread (Sockets/EventPump.cs), never from a socket thread, in the order the core produced the events.
namespace P2PChat.Net;

internal interface IChatSink
{
    /// <summary>A message to show (for the first time). Its spans are only valid during the call.</summary>
    void OnMessage(in ChatView message);

    /// <summary>The first direct link to a peer opened.</summary>
    void OnLinkOpened(PeerInfo peer);

    /// <summary>The last direct link to a peer closed (it may still be online through others).</summary>
    void OnLinkClosed(PeerInfo peer, LinkClose reason);

    /// <summary>A user appeared in the network: <paramref name="isNew"/> when it has just started, false when it
    /// was already online (we just joined, or a split healed).</summary>
    void OnMemberJoined(MemberInfo member, bool isNew);

    /// <summary>A user left the network: said BYE, or nobody has heard from it for a while.</summary>
    void OnMemberLeft(MemberInfo member, Departure reason);

    /// <summary>A user online took another name (:nick): <paramref name="member"/> has the new one.</summary>
    void OnMemberRenamed(MemberInfo member, string before);

    /// <summary>Lines of a sender were given up for good (GapReports: at once for a sender's first gap, summed per
    /// second beyond that). Comes before the lines shown without them; tell the user, never drop it.</summary>
    void OnLinesLost(LostLines lost);

    /// <summary>Called after each batch of events: a sink that gathers output (one write for a burst instead of one
    /// per message) must write it out now.</summary>
    void Flush()
    {
    }

    /// <summary>True when writing messages whose records (EventPump's layout: a header, the name and the text) add up
    /// to <paramref name="recordBytes"/> (at most 1 KiB) would not block now (a pipe with room, a file): the driver may
    /// then deliver them on the socket thread itself instead of waking the event thread, one thread wake-up less per
    /// message. Asked by the thread that would write, with no other delivery possible until it has. False (the
    /// default) always uses the event thread.</summary>
    bool ReadyForSmallWrite(int recordBytes) => false;

    /// <summary>Something the user may want to know that is not a chat event (a refused connection, say).</summary>
    void OnNotice(string text);

    /// <summary>The events other than messages, for whoever queues them (Sockets/EventPump.cs).</summary>
    internal enum EventKind : byte
    {
        LinkOpened,
        LinkClosed,
        MemberJoined,
        MemberLeft,
        MemberRenamed,
        LinesLost,
        Notice,
    }
}
