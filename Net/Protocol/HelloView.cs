// A parsed HELLO frame (the first frame each way inside the encrypted channel); spans point into the receive buffer
// and are only valid during the callback.
namespace P2PChat.Net;

internal readonly ref struct HelloView(ReadOnlySpan<byte> key, ulong epoch, ushort listenPort, ReadOnlySpan<byte> name,
    ReadOnlySpan<byte> signed, ReadOnlySpan<byte> signature)
{
    /// <summary>The peer's identity: its Ed25519 public key.</summary>
    public ReadOnlySpan<byte> Key { get; } = key;

    /// <summary>Random per process: with the key it gives the node id (NodeKeys.Origin).</summary>
    public ulong Epoch { get; } = epoch;

    public ushort ListenPort { get; } = listenPort;
    public ReadOnlySpan<byte> Name { get; } = name;

    /// <summary>The body up to the signature: what the signature covers, after the handshake hash.</summary>
    public ReadOnlySpan<byte> Signed { get; } = signed;

    public ReadOnlySpan<byte> Signature { get; } = signature;
}
