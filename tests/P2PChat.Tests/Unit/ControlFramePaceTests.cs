// Control frames that cost us (or everyone) more than they cost the sender are paced per link or per member: a SYNC
// of a few bytes can be answered with the whole log, and an announcement is checked and passed on by every node. One
// core on simulated time (DialBench), a peer joined through the real handshake.
using P2PChat.Net;

namespace P2PChat.Tests;

public class ControlFramePaceTests
{
    private static byte[] Sync()
    {
        var frame = new byte[FrameWriter.SyncSize(0)];
        FrameWriter.WriteSync(frame, Protocol.SyncAll, []);
        return frame;
    }

    /// <summary>The SYNCED frames the core sent <paramref name="peer"/> since the last call.</summary>
    private static int SyncedAnswers(DialBench bench, (SecurePeer Peer, int Link) peer, List<byte> tail) =>
        bench.FramesSent(peer, tail, FrameType.Synced);

    [Test]
    public async Task Twenty_SYNCs_in_a_burst_get_one_answer_now_and_one_for_the_latest_when_the_pace_allows()
    {
        var bench = new DialBench(targetLinks: 0);
        var peer = bench.Join(1, "syncer", 5001);
        var tail = new List<byte>();
        SyncedAnswers(bench, peer, tail);

        int now = 0;
        for (int i = 0; i < 20; i++)
        {
            bench.Send(peer, Sync()); // each its own read, so the one-per-read rule does not apply
            now += SyncedAnswers(bench, peer, tail);
        }
        await Assert.That(now).IsEqualTo(1);
        await Assert.That(bench.Core.History.AnswersPaced).IsEqualTo(19);

        bench.RunUntil(bench.Now + HistorySync.AnswerIntervalMs + DialBench.TickMs, everyTick: () => now += SyncedAnswers(bench, peer, tail));
        await Assert.That(now).IsEqualTo(2);

        // Later SYNCs, one per pace interval, are all answered.
        for (int i = 0; i < 3; i++)
        {
            bench.RunUntil(bench.Now + HistorySync.AnswerIntervalMs, everyTick: () => now += SyncedAnswers(bench, peer, tail));
            bench.Send(peer, Sync());
            now += SyncedAnswers(bench, peer, tail);
        }
        await Assert.That(now).IsEqualTo(5);
    }

    [Test]
    public async Task A_member_announcing_itself_twenty_times_at_once_is_heard_a_burst_of_three_times_and_again_after_a_gap()
    {
        var bench = new DialBench(targetLinks: 0);
        var peer = bench.Join(1, "chatty", 5001);
        const uint interval = 1000;
        byte[] Announcement(ulong counter) => P2PChat.Tests.Fuzz.FrameGen.Presence(new Random(1), peer.Peer.Keys, PresenceKind.Alive, counter, interval, 0);

        bench.Send(peer, Announcement(1));
        for (ulong counter = 2; counter <= 20; counter++)
            bench.Send(peer, Announcement(counter));
        await Assert.That(bench.Core.Presence.Paced).IsEqualTo(20 - Roster.PaceBurst);
        await Assert.That(bench.Core.Presence.Forged).IsEqualTo(0);

        bench.RunUntil(bench.Now + interval / 2);
        bench.Send(peer, Announcement(21));
        await Assert.That(bench.Core.Presence.Paced).IsEqualTo(20 - Roster.PaceBurst);
        await Assert.That(bench.Core.Presence.Online(peer.Peer.Keys.NodeId)).IsNotNull();
    }
}
