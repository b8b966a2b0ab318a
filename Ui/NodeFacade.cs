// ISessionNode over the real ChatNode.
using P2PChat.Net;

namespace P2PChat.Ui;

internal sealed class NodeFacade(ChatNode node) : ISessionNode
{
    public string Name => node.Name;

    public string ListenDescription => NodeStarter.ListenDescription(node);

    public int DirectPeerCount => node.DirectPeerCount;

    public IReadOnlyList<MemberInfo> Members() => node.Members();

    public IReadOnlyList<PeerInfo> DirectPeers() => node.DirectPeers();

    public IReadOnlyList<(PeerInfo Peer, long Holds)> HeldPeers() => node.HeldPeers();

    public ulong LinesLost => node.LinesLost;

    public void Say(string text, long timeMs) => node.Say(text, timeMs);

    public void SayPrivate(ulong to, string text, long timeMs) => node.SayPrivate(to, text, timeMs);

    public string? Rename(string name) => node.Rename(name);
}
