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

    /// <summary>A link we would have sent nothing on for longer than this plus a tick (NodeCore.TickMs) by the next tick
    /// gets a PING on this one, so the peer knows we are alive (NodeCore.SendHeartbeats).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A link we have received nothing on for this long is declared dead (hung, crashed or unplugged peer):
    /// three missed heartbeats. The core plans a tick for that moment (NodeCore.NextTick), so detection takes this.</summary>
    public TimeSpan DeadAfter { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How often, at most, this node announces itself to the whole network (PRESENCE). In a bigger network it
    /// announces less often: PresencePerMember times the members online, so every node hears about one announcement
    /// per PresencePerMember from all the others together, whatever the size of the network. A crash is reported by
    /// the member's neighbours (SUSPECT), not by its silence; silence for three intervals (plus a second) is the last
    /// resort, for a member none of whose neighbours survived it.</summary>
    public TimeSpan PresenceInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>See PresenceInterval: the network-wide gap between two announcements, as every node sees it.</summary>
    public TimeSpan PresencePerMember { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The defaults of TargetLinks and History: the one place they are written (the command line's help and
    /// LaunchOptions read them here).</summary>
    public const int DefaultTargetLinks = 3, DefaultHistory = 50;

    /// <summary>Distinct peers this node wants links to; below it, it connects to addresses it learned. 0 turns
    /// self-healing off (the network is then exactly the links users made).</summary>
    public int TargetLinks { get; init; } = DefaultTargetLinks;

    /// <summary>How many earlier messages a newcomer asks for (replayed from its peers' logs) when it joins.</summary>
    public int History { get; init; } = DefaultHistory;

    /// <summary>Messages each node keeps for anti-entropy and history.</summary>
    public int LogCapacity { get; init; } = MessageLog.DefaultCapacity;

    /// <summary>Members the roster holds (Protocol.MaxMembers); smaller only in tests, so that a network of dozens
    /// shows what one past the cap does.</summary>
    public int RosterCapacity { get; init; } = Protocol.MaxMembers;

    public int MaxQueueBytes { get; init; } = PeerConnection.DefaultMaxQueueBytes;

    /// <summary>Ed25519 checks per second that one link may make us run (line batches, announcements) while another link
    /// carries lines. Past it the driver stops reading that link until the budget is back, so a member flooding lines
    /// signed one at a time (or from thousands of fresh keys) costs us at most this much CPU (a check of a new key takes
    /// ~100-150 µs under native AOT: 500 a second are 5-8% of a core) while everyone else's lines go on, and its
    /// readers downstream verify no more than that either. Honest typing is far below; a pipe signs batches of up to
    /// 128 lines, so LineRate binds it first.</summary>
    public int VerifyRate { get; init; } = 500;

    /// <summary>Lines per second one link may bring while another link carries lines, on the same budget as VerifyRate
    /// (a link that brings both gets less of each). A member flooding well-batched lines is held to this, so a user's
    /// line waits behind at most a fraction of a second of them at a neighbour that shows them all; a paste of
    /// 100,000 lines into a quiet room still goes at full speed.</summary>
    public int LineRate { get; init; } = 10_000;

    /// <summary>How far behind the present a link's budget clock may fall: VerifyBurst checks (or the same time's worth
    /// of lines) may come at once.</summary>
    public int VerifyBurst { get; init; } = 100;

    /// <summary>Whether a line said alone also carries per-reader tags (LineTags), so its readers need not check its
    /// signature. Off only in tests of the signature path.</summary>
    public bool TagLines { get; init; } = true;

    /// <summary>Links (in any state) beyond this are refused, so a flood of connections cannot exhaust descriptors.</summary>
    public int MaxConnections { get; init; } = 256;

    /// <summary>Inbound connections still in their handshake, on top of MaxConnections: past it the oldest is closed to
    /// make room, so strangers that connect and say nothing cannot keep a newcomer out.</summary>
    public int MaxHandshakes { get; init; } = 64;

    /// <summary>How long a stranger keeps its handshake place before a newcomer may take it (a handshake takes a few
    /// round trips; evicting younger ones would turn a connection flood into handshake work for us).</summary>
    public TimeSpan StrangerGrace { get; init; } = TimeSpan.FromSeconds(1);
}
