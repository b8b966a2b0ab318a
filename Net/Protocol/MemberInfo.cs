// A user somewhere in the network (not necessarily a neighbour), as its presence announcements describe it.
namespace P2PChat.Net;

internal sealed record MemberInfo(ulong NodeId, string Name)
{
    public string NodeHex => NodeId.ToString("x16");

    /// <summary>Its identity: the key that signs its announcements.</summary>
    public byte[] Key { get; init; } = [];

    /// <summary>The key private messages to it are sealed to (from its signed PRESENCE).</summary>
    public byte[] Box { get; init; } = [];
}
