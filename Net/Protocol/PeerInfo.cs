// A peer as it introduced itself in its (signed) HELLO, plus where the link to it goes.
using System.Net;

namespace P2PChat.Net;

internal sealed record PeerInfo(ulong NodeId, string Name, IPEndPoint RemoteEndPoint, ushort ListenPort, bool Outbound)
{
    public string NodeHex => NodeId.ToString("x16");

    /// <summary>Its identity: the Ed25519 public key that signed its HELLO (and signs its lines).</summary>
    public byte[] Key { get; init; } = [];
}
