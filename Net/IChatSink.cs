// What a node reports to whoever shows the chat (terminal UI, pipe writer, tests). Calls come from socket
// threads; OnMessage calls are serialised (one at a time, in the order messages were accepted).
namespace P2PChat.Net;

internal interface IChatSink
{
    /// <summary>A message seen for the first time. Its spans are only valid during the call.</summary>
    void OnMessage(in ChatView message);

    /// <summary>The first link to a peer opened.</summary>
    void OnPeerJoined(PeerInfo peer);

    /// <summary>The last link to a peer closed.</summary>
    void OnPeerLeft(PeerInfo peer, string reason);

    /// <summary>Something the user may want to know that is not a chat event (a refused connection, say).</summary>
    void OnNotice(string text);
}
