// The node as the chat's front ends use it (the sessions, the commands, :peers): NodeFacade is the real ChatNode,
// tests hand in a fake, so a whole session runs without sockets.
using P2PChat.Net;

namespace P2PChat.Ui;

internal interface ISessionNode
{
    /// <summary>Our name, as others see it.</summary>
    string Name { get; }

    /// <summary>"port 40213 (all interfaces)" or "127.0.0.1 port 40213".</summary>
    string ListenDescription { get; }

    int DirectPeerCount { get; }

    /// <summary>Everyone else online, ordered by name.</summary>
    IReadOnlyList<MemberInfo> Members();

    IReadOnlyList<PeerInfo> DirectPeers();

    /// <summary>Neighbours held back for flooding, and how often.</summary>
    IReadOnlyList<(PeerInfo Peer, long Holds)> HeldPeers();

    /// <summary>Lines of others lost for good since we started.</summary>
    ulong LinesLost { get; }

    void Say(string text, long timeMs);

    /// <summary>Says <paramref name="text"/> to member <paramref name="to"/> alone. Throws ArgumentException (with a
    /// message for the user) when it cannot be sealed to them.</summary>
    void SayPrivate(ulong to, string text, long timeMs);

    /// <summary>Takes <paramref name="name"/> as ours from now on; everyone is told. Returns why not (an invalid name,
    /// in words for the user), else null.</summary>
    string? Rename(string name);
}
