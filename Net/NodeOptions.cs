// Settings of one chat node. Defaults are the product's; tests shorten the timeouts.
using System.Net;

namespace P2PChat.Net;

internal sealed record NodeOptions(string Name)
{
    /// <summary>Listen address; IPv6Any (dual-stack: IPv4 too) unless the user binds one address.</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.IPv6Any;

    /// <summary>Listen port; 0 lets the system pick a free one.</summary>
    public int Port { get; init; }

    /// <summary>A connection that has not sent a valid HELLO by then is closed.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an outgoing TCP connect may take before the address counts as unreachable.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a leaving link waits for the peer to read what we sent and close its side.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A link we have sent nothing on for this long gets a PING, so the peer knows we are alive.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A link we have received nothing on for this long is declared dead (hung, crashed or unplugged peer):
    /// three missed heartbeats. Detection takes at most this plus one timer tick (250 ms).</summary>
    public TimeSpan DeadAfter { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How often this node announces itself to the whole network (PRESENCE), in a network of up to 50
    /// members; one more interval per 50 more, so the announcements cost every node about the same. A member
    /// silent for three of its intervals (plus a second) is declared gone by everyone.</summary>
    public TimeSpan PresenceInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Distinct peers this node wants links to; below it, it connects to addresses it learned. 0 turns
    /// self-healing off (the network is then exactly the links users made).</summary>
    public int TargetLinks { get; init; } = 3;

    /// <summary>How many earlier messages a newcomer asks for (replayed from its peers' logs) when it joins.</summary>
    public int History { get; init; } = 50;

    /// <summary>Messages each node keeps for anti-entropy and history.</summary>
    public int LogCapacity { get; init; } = MessageLog.DefaultCapacity;

    public int MaxQueueBytes { get; init; } = PeerConnection.DefaultMaxQueueBytes;

    /// <summary>Links (in any state) beyond this are refused, so a flood of connections cannot exhaust descriptors.</summary>
    public int MaxConnections { get; init; } = 256;

    /// <summary>Inbound connections still in their handshake, on top of MaxConnections: past it the oldest is closed to
    /// make room, so strangers that connect and say nothing cannot keep a newcomer out.</summary>
    public int MaxHandshakes { get; init; } = 64;

    /// <summary>How long a stranger keeps its handshake place before a newcomer may take it (a handshake takes a few
    /// round trips; evicting younger ones would turn a connection flood into handshake work for us).</summary>
    public TimeSpan StrangerGrace { get; init; } = TimeSpan.FromSeconds(1);
}
