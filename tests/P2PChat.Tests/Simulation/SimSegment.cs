// One TCP segment in flight on a simulated connection: the SYN-ACK, some bytes, the FIN that ends a direction, or a RST.
namespace P2PChat.Tests.Simulation;

internal readonly record struct SimSegment(SimSegmentKind Kind, byte[]? Data, long Arrival);

internal enum SimSegmentKind : byte
{
    /// <summary>The acceptor's half of the handshake: the connector's connect completes.</summary>
    SynAck,
    Data,
    Fin,
    Rst,
}
