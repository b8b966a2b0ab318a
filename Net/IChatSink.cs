// What a node reports to whoever shows the chat (terminal UI, pipe writer, tests). Calls come from socket
// threads; OnMessage calls are serialised (one at a time, in the order messages were accepted).
namespace P2PChat.Net;

internal interface IChatSink
{
    /// <summary>A message seen for the first time. Its spans are only valid during the call.</summary>
    void OnMessage(in ChatView message);

    /// <summary>The first direct link to a peer opened.</summary>
    void OnLinkOpened(PeerInfo peer);

    /// <summary>The last direct link to a peer closed (it may still be online through others).</summary>
    void OnLinkClosed(PeerInfo peer, string reason);

    /// <summary>A user appeared in the network: <paramref name="isNew"/> when it has just started, false when it
    /// was already online (we just joined, or a split healed). Calls are serialised with OnMemberLeft.</summary>
    void OnMemberJoined(MemberInfo member, bool isNew);

    /// <summary>A user left the network: said BYE ("quit"), or nobody has heard from it for a while.</summary>
    void OnMemberLeft(MemberInfo member, string reason);

    /// <summary>Called after each read from a peer, once its messages were passed to OnMessage: a sink that gathers
    /// output (one write for a burst instead of one per message) must write it out now.</summary>
    void Flush()
    {
    }

    /// <summary>Something the user may want to know that is not a chat event (a refused connection, say).</summary>
    void OnNotice(string text);
}
