// A link that goes over its work budget in the middle of a read, while someone else talks, is stopped at the end of
// that record: the rest of the read waits, unopened, for the link's ReadableAt, instead of ~240 signature checks in
// one go holding up the other's line. One core on simulated time (DialBench), peers joined through the real handshake.
using P2PChat.Net;

namespace P2PChat.Tests;

public class BudgetStopTests
{
    private const int LinesPerRecord = 60;

    /// <summary>Four records of <see cref="LinesPerRecord"/> lines, each said by a new node (one signature check each):
    /// 240 checks, past the default burst of 100.</summary>
    private static (byte[] Bytes, int RecordSize) FreshKeyFlood(DialBench bench, SecurePeer flooder)
    {
        var records = new List<byte[]>();
        for (int r = 0; r < 4; r++)
        {
            var frames = new List<byte>();
            for (int i = 0; i < LinesPerRecord; i++)
                frames.AddRange(RawPeer.Chat(bench.Keys(3), 1, "fresh", "hello from a new key"u8.ToArray()));
            records.Add(flooder.Seal([.. frames]));
        }
        return ([.. records.SelectMany(r => r)], records[0].Length);
    }

    [Test]
    public async Task A_link_over_its_budget_while_another_talks_is_stopped_after_the_record_that_took_it_over()
    {
        var bench = new DialBench(targetLinks: 0);
        var talker = bench.Join(1, "talker", 5001);
        var flooder = bench.Join(2, "flood", 5002);
        bench.Send(talker, RawPeer.Chat(talker.Peer.Keys, 1, "talker", "hi"u8.ToArray()));

        (byte[] flood, int recordSize) = FreshKeyFlood(bench, flooder.Peer);
        int consumed = bench.Receive(flooder.Link, flood);

        // 60 checks are within the burst, 120 are not: two records taken, two left for later.
        await Assert.That(consumed).IsEqualTo(2 * recordSize);
        await Assert.That(bench.Core.StoppedEarly).IsEqualTo(1);
        long readableAt = bench.Core.ReadableAt(flooder.Link, bench.Now);
        await Assert.That(readableAt).IsGreaterThan(bench.Now);

        // Given back once the budget allows, the rest is taken and nothing is lost.
        bench.Fuzz.Now = readableAt + 1000;
        await Assert.That(bench.Receive(flooder.Link, flood.AsSpan(consumed))).IsGreaterThan(0);
        await Assert.That(bench.Core.Flooding.ChatFramesReceived).IsGreaterThanOrEqualTo(1 + 3 * LinesPerRecord);
    }

    [Test]
    public async Task A_link_over_its_budget_with_nobody_else_talking_is_read_to_the_end()
    {
        var bench = new DialBench(targetLinks: 0);
        bench.Join(1, "quiet", 5001);
        var flooder = bench.Join(2, "flood", 5002);

        (byte[] flood, _) = FreshKeyFlood(bench, flooder.Peer);
        await Assert.That(bench.Receive(flooder.Link, flood)).IsEqualTo(flood.Length);
        await Assert.That(bench.Core.StoppedEarly).IsEqualTo(0);
    }
}
