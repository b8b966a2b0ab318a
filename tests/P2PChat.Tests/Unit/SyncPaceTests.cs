// A SYNC of a few bytes can be answered with the whole log: a member that sends them one after another must not get
// an answer each time. One core on simulated time (DialBench), a peer joined through the real handshake.
using P2PChat.Net;

namespace P2PChat.Tests;

public class SyncPaceTests
{
    private static byte[] Sync()
    {
        var frame = new byte[FrameWriter.SyncSize(0)];
        FrameWriter.WriteSync(frame, Protocol.SyncAll, []);
        return frame;
    }

    /// <summary>The SYNCED frames the core sent <paramref name="peer"/> since the last call.</summary>
    private static int SyncedAnswers(DialBench bench, (SecurePeer Peer, int Link) peer, List<byte> tail)
    {
        tail.AddRange(bench.Fuzz.Effects.Take(peer.Link));
        var frames = new List<byte[]>();
        peer.Peer.Feed([.. tail], out int used, frames);
        tail.RemoveRange(0, used);
        return frames.Count(f => f.Length > 4 && f[4] == (byte)FrameType.Synced);
    }

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
}
