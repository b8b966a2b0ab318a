// A hostile peer for the simulation: it completes the handshake with keys of its own (so it is a member as far as
// the protocol goes), then tries one of issue 10's attacks on a live member: a line under that member's origin, a
// line with a sequence far above the member's (which would make its next lines look like duplicates everywhere), or
// a BYE that would make it "leave". Lines go as CHAT or as CHAT_UNCHECKED. The invariants must not notice: nothing
// shown that nobody said, every member's lines delivered, every roster complete.
using System.Net;
using P2PChat.Net;

namespace P2PChat.Tests.Simulation;

internal sealed class ForgerHost(SimNetwork net, IPEndPoint endPoint, NodeHost victim, int attack) : RawClientHost(net, endPoint, "mallory")
{
    protected override void Opened() => Net.Events.At(Net.Now + 50, Attack);

    private void Attack()
    {
        NodeKeys keys = Peer!.Keys;
        ulong next = victim.Core.Flooding.LastSequence + 1;
        byte[] frame = attack switch
        {
            0 => SecurePeer.ForgedLine(keys, victim.NodeId, victim.Core.Name, next, "forged"),
            1 => SecurePeer.ForgedLine(keys, victim.NodeId, victim.Core.Name, next + 1_000_000, "forged"),
            _ => SecurePeer.ForgedBye(keys, victim.NodeId, victim.Core.Name),
        };
        // Half the forgers send their line as CHAT_UNCHECKED, as if passing on someone else's line before checking it:
        // it is then not their fault at the first hop, which passes it on before its own check. Chosen by the victim's
        // id, not by a draw, so the scenario's random draws, and the seeds kept as tests, stay as they were.
        bool asUnchecked = attack < 2 && (victim.NodeId & 1) == 1;
        if (asUnchecked)
            frame[Protocol.LengthPrefixSize] = (byte)FrameType.ChatUnchecked;
        Net.Trace($"forger sends a {(attack switch { 0 => "line as", 1 => "high sequence as", _ => "BYE for" })} {victim.Label}{(asUnchecked ? ", unchecked" : "")}");
        Send(Peer.Seal(frame));
    }
}
