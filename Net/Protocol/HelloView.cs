// A parsed HELLO frame; the name points into the receive buffer and is only valid during the callback.
namespace P2PChat.Net;

internal readonly ref struct HelloView(ulong node, ushort listenPort, ReadOnlySpan<byte> name)
{
    public ulong Node { get; } = node;
    public ushort ListenPort { get; } = listenPort;
    public ReadOnlySpan<byte> Name { get; } = name;
}
