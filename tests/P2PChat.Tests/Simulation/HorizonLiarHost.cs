// A peer that lies in its history summary: the first SYNC a node receives sets its horizon (HistorySync), and this one
// claims a million lines of one honest member nobody has. It links to a node that has not joined anyone yet, so its
// SYNC comes first, says SYNCED at once (nothing to replay) and then only pings. Its own keys and a valid handshake:
// nothing about it is forged but the claim.
using System.Net;
using P2PChat.Net;

namespace P2PChat.Tests.Simulation;

internal sealed class HorizonLiarHost(SimNetwork net, IPEndPoint endPoint, ulong victim, ulong claimed)
    : RawClientHost(net, endPoint, "horizon liar")
{
    private static readonly byte[] Synced = [0, 0, 0, 1, (byte)FrameType.Synced];

    protected override void Opened()
    {
        var sync = new byte[FrameWriter.SyncSize(1)];
        FrameWriter.WriteSync(sync, Protocol.SyncAll, [(victim, claimed)]);
        Send(Peer!.Seal([.. sync, .. Synced]));
        Net.Events.At(Net.Now + 500, KeepAlive);
    }

    private void KeepAlive()
    {
        if (Closed)
            return;
        Send(Peer!.Seal(Ping));
        Net.Events.At(Net.Now + 500, KeepAlive);
    }
}
