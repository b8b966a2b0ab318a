// A user somewhere in the network (not necessarily a neighbour), as its presence announcements describe it.
namespace P2PChat.Net;

internal sealed record MemberInfo(ulong NodeId, string Name)
{
    public string NodeHex => NodeId.ToString("x16");

    // Both are read in place in the roster's copy of its first announcement, or of a later one with the same keys
    // (Roster.Keep), which holds them anyway: two arrays of their own cost a roster of 1,024 members ~110 KiB.

    /// <summary>Its identity: the key that signs its announcements.</summary>
    public ReadOnlyMemory<byte> Key { get; init; }

    /// <summary>The key private messages to it are sealed to (from its signed PRESENCE).</summary>
    public ReadOnlyMemory<byte> Box { get; init; }
}
