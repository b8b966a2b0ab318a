// A link that goes over its work budget in the middle of a read, while someone else talks, is stopped after the frame
// that took it over, inside its record: the rest waits for the link's ReadableAt (the record stays unconsumed, its
// frames kept opened in the link), instead of a record of ~240 signature checks in one go holding up the other's line.
// One core on simulated time (DialBench), peers joined through the real handshake.
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
    public async Task A_link_over_its_budget_while_another_talks_is_stopped_inside_the_record_that_took_it_over_and_resumed_where_it_stopped()
    {
        var bench = new DialBench(targetLinks: 0);
        var talker = bench.Join(1, "talker", 5001);
        var flooder = bench.Join(2, "flood", 5002);
        bench.Send(talker, RawPeer.Chat(talker.Peer.Keys, 1, "talker", "hi"u8.ToArray()));
        long linesBefore = bench.Core.Flooding.ChatFramesReceived;

        (byte[] flood, int recordSize) = FreshKeyFlood(bench, flooder.Peer);
        int consumed = bench.Receive(flooder.Link, flood);

        // A fresh-key line costs 2.1 ms of budget (a check at 500/s, a line at 10,000/s) and the burst is 200 ms: 96 lines
        // are taken, the first record and 36 of the second, which stays unconsumed.
        await Assert.That(consumed).IsEqualTo(recordSize);
        await Assert.That(bench.Core.StoppedEarly).IsEqualTo(1);
        await Assert.That(bench.Core.Flooding.ChatFramesReceived - linesBefore).IsEqualTo(96);
        long readableAt = bench.Core.ReadableAt(flooder.Link, bench.Now);
        await Assert.That(readableAt).IsGreaterThan(bench.Now);

        // Handed back whenever the budget allows, the rest is taken a few lines at a time, each line once.
        for (int reads = 0; consumed < flood.Length && reads < 1000; reads++)
        {
            bench.Fuzz.Now = Math.Max(bench.Now, bench.Core.ReadableAt(flooder.Link, bench.Now));
            consumed += bench.Receive(flooder.Link, flood.AsSpan(consumed));
        }
        await Assert.That(consumed).IsEqualTo(flood.Length);
        await Assert.That(bench.Core.Flooding.ChatFramesReceived - linesBefore).IsEqualTo(4 * LinesPerRecord);
        await Assert.That(bench.Core.Flooding.Verifier.Forged).IsEqualTo(0);
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
