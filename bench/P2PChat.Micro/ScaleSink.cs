// The sink of one node in the scale run: hands each message id to the shared probes (DeliveryProbe, TalkProbe) and counts the
// members its roster reports online; link events go to the shared LinkTally. Allocates nothing per message. Like pipe
// mode with a stdout that has room, it takes a read's messages on the socket thread (ReadyForSmallWrite) unless the
// run models the terminal UI (`--pump`), whose every message wakes the node's event thread.
using P2PChat.Net;

namespace P2PChat.Micro;

internal sealed class ScaleSink(DeliveryProbe probe, TalkProbe talk, LinkTally links, int node, bool pump) : IChatSink
{
    public bool ReadyForSmallWrite(int recordBytes) => !pump;

    private int _online;
    private long _messages;

    /// <summary>Members reported online minus those reported gone.</summary>
    public int Online => Volatile.Read(ref _online);

    public long Messages => Interlocked.Read(ref _messages);

    public void OnMessage(in ChatView message)
    {
        Interlocked.Increment(ref _messages);
        probe.OnMessage(node, message.Id);
        talk.OnMessage(message.Id);
    }

    public void OnLinkOpened(PeerInfo peer) => links.OnOpened();

    public void OnLinkClosed(PeerInfo peer, LinkClose reason) => links.OnClosed(reason.ToString());

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
