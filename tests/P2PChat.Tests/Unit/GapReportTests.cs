// Lines given up for good are reported, never lost in silence: one core on simulated time with a real handshake
// (DialBench), a sender whose line never comes, and GapReports alone for the rate limit (a burst of gaps from one or
// many senders becomes a few notices, with every lost line counted once).
using P2PChat.Net;
using P2PChat.Tests.Fuzz;

namespace P2PChat.Tests;

public class GapReportTests
{
    private static byte[] Line(NodeKeys author, string name, ulong seq, long now) =>
        SecurePeer.Line(author, name, seq, $"line {seq}", now);

    /// <summary>Runs the timer until <paramref name="done"/> or the simulated <paramref name="deadline"/>, the sender
    /// keeping its link alive (a link silent for 3 s is closed, and no gap is given up while no link is open).</summary>
    private static void RunUntil(DialBench bench, (SecurePeer Peer, int Link) sender, long deadline, Func<bool> done)
    {
        while (!done() && bench.Now < deadline)
            bench.RunUntil(bench.Now + DialBench.TickMs, everyTick: () => bench.Send(sender, DialBench.Ping));
    }

    [Test]
    public async Task A_line_missing_for_good_is_reported_once_with_its_sender_and_the_exact_count_before_the_later_lines()
    {
        var bench = new DialBench(targetLinks: 0);
        var alice = bench.Join(1, "alice", 5001);
        NodeKeys keys = alice.Peer.Keys;
        FuzzEffects effects = bench.Fuzz.Effects;

        // Lines 2-4 never come: 5 and 6 are held for them, then shown without them.
        foreach (ulong seq in new ulong[] { 1, 5, 6 })
            bench.Send(alice, Line(keys, "alice", seq, bench.Now));
        long deadline = bench.Now + DeliveryOrder.HistoryWaitMs + DeliveryOrder.GapWaitMs + 5000;
        RunUntil(bench, alice, deadline, () => effects.Shown.Count == 3);

        await Assert.That(effects.Shown.Select(id => id.Seq)).IsEquivalentTo(new ulong[] { 1, 5, 6 }, TUnit.Assertions.Enums.CollectionOrdering.Matching)
            .Because($"shown by {bench.Now} ms (deadline {deadline} ms)");
        await Assert.That(effects.Lost.Count).IsEqualTo(1).Because($"reports: {string.Join(", ", effects.Lost)}");
        (LostLines lost, int shownBefore) = effects.Lost[0];
        await Assert.That(lost.Origin).IsEqualTo(keys.NodeId);
        await Assert.That(lost.Name).IsEqualTo("alice");
        await Assert.That(lost.Count).IsEqualTo(3UL);
        await Assert.That(lost.Key.SequenceEqual(keys.Identity.Public.ToArray())).IsTrue();
        await Assert.That(shownBefore).IsEqualTo(1).Because("the report comes before line 5, the first shown without the lost lines");

        // A lost line that turns up after all is not shown, and the filter giving the gap up too (Flooding.Tick) is
        // the same loss: still one report, for three lines.
        bench.Send(alice, Line(keys, "alice", 3, bench.Now));
        RunUntil(bench, alice, bench.Now + 10_000, () => effects.Lost.Count > 1);
        await Assert.That(effects.Shown.Count).IsEqualTo(3);
        await Assert.That(effects.Lost.Count).IsEqualTo(1).Because($"reports: {string.Join(", ", effects.Lost)}");
        await Assert.That(bench.Core.Flooding.Gaps.Total).IsEqualTo(3UL);
    }

    [Test]
    public async Task Lines_that_all_arrive_late_but_within_the_wait_are_shown_and_nothing_is_reported()
    {
        var bench = new DialBench(targetLinks: 0);
        var alice = bench.Join(1, "alice", 5001);
        NodeKeys keys = alice.Peer.Keys;
        FuzzEffects effects = bench.Fuzz.Effects;

        foreach (ulong seq in new ulong[] { 1, 3, 4 })
            bench.Send(alice, Line(keys, "alice", seq, bench.Now));
        RunUntil(bench, alice, bench.Now + DeliveryOrder.HistoryWaitMs + 2000, () => false);
        bench.Send(alice, Line(keys, "alice", 2, bench.Now));
        RunUntil(bench, alice, bench.Now + DeliveryOrder.GapWaitMs + 5000, () => effects.Lost.Count > 0);

        await Assert.That(effects.Shown.Select(id => id.Seq)).IsEquivalentTo(new ulong[] { 1, 2, 3, 4 }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(effects.Lost.Count).IsEqualTo(0);
    }

    [Test]
    public async Task A_sender_met_far_into_its_lines_is_reported_missing_only_what_was_wanted_of_it()
    {
        // Its first line here is far along: what lies more than LiveSlack below it was never wanted (counted as seen
        // at first contact), so only the LiveSlack lines above that floor are lost, not every line since its first.
        var bench = new DialBench(targetLinks: 0);
        var alice = bench.Join(1, "alice", 5001);
        FuzzEffects effects = bench.Fuzz.Effects;
        ulong first = DuplicateFilter.LiveSlack + 5000;

        bench.Send(alice, Line(alice.Peer.Keys, "alice", first, bench.Now));
        RunUntil(bench, alice, bench.Now + DeliveryOrder.HistoryWaitMs + DeliveryOrder.GapWaitMs + 5000, () => effects.Lost.Count > 0);

        await Assert.That(effects.Shown.Select(id => id.Seq)).IsEquivalentTo(new[] { first }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(effects.Lost.Select(l => l.Lines.Count)).IsEquivalentTo(new[] { DuplicateFilter.LiveSlack }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    /// <summary>A sink that keeps the reports only.</summary>
    private sealed class Reports : IChatSink
    {
        public List<LostLines> Lost { get; } = [];
        public void OnLinesLost(LostLines lost) => Lost.Add(lost);
        public void OnMessage(in ChatView message) => throw new InvalidOperationException("not a message sink");
        public void OnLinkOpened(PeerInfo peer) => throw new InvalidOperationException();
        public void OnLinkClosed(PeerInfo peer, LinkClose reason) => throw new InvalidOperationException();
        public void OnMemberJoined(MemberInfo member, bool isNew) => throw new InvalidOperationException();
        public void OnMemberLeft(MemberInfo member, Departure reason) => throw new InvalidOperationException();
        public void OnMemberRenamed(MemberInfo member, string before) => throw new InvalidOperationException();
        public void OnNotice(string text) => throw new InvalidOperationException();
    }

    [Test]
    public async Task A_burst_of_gaps_from_one_sender_is_one_notice_at_once_and_one_sum_when_the_second_is_over()
    {
        var sink = new Reports();
        var gaps = new GapReports(sink);
        NodeKeys keys = FuzzKeys.For(1, new Random(1));
        long now = 1_000_000;

        for (ulong seq = 3; seq < 3 + 2 * 500; seq += 2)
            gaps.Lost(keys.NodeId, Line(keys, "alice", seq, now), 1, now);
        await Assert.That(sink.Lost.Count).IsEqualTo(1);
        await Assert.That(gaps.Unreported).IsEqualTo(499UL);

        gaps.Tick(now + GapReports.WindowMs - 1);
        await Assert.That(sink.Lost.Count).IsEqualTo(1);
        gaps.Tick(now + GapReports.WindowMs);

        await Assert.That(sink.Lost.Select(l => l.Count)).IsEquivalentTo(new ulong[] { 1, 499 }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(sink.Lost.All(l => l.Name == "alice" && l.Origin == keys.NodeId && l.Senders == 1)).IsTrue();
        await Assert.That(gaps.Unreported).IsEqualTo(0UL);
        await Assert.That(gaps.Total).IsEqualTo(500UL);

        // The next gap after a quiet window is told at once again.
        gaps.Lost(keys.NodeId, Line(keys, "alice", 2000, now), 7, now + 5 * GapReports.WindowMs);
        await Assert.That(sink.Lost[^1].Count).IsEqualTo(7UL);
    }

    [Test]
    public async Task Gaps_of_more_senders_than_a_second_names_are_summed_into_one_notice()
    {
        var sink = new Reports();
        var gaps = new GapReports(sink);
        var random = new Random(2);
        int senders = GapReports.MaxNamedPerWindow + 3;
        long now = 1_000_000;

        for (int i = 0; i < senders; i++)
        {
            NodeKeys keys = FuzzKeys.For(1 + i % 7, random);
            gaps.Lost(keys.NodeId, Line(keys, $"s{i}", 10, now), (ulong)(i + 1), now);
        }
        await Assert.That(sink.Lost.Count).IsEqualTo(GapReports.MaxNamedPerWindow);
        gaps.Tick(now + GapReports.WindowMs);

        await Assert.That(sink.Lost.Count).IsEqualTo(GapReports.MaxNamedPerWindow + 1);
        LostLines summary = sink.Lost[^1];
        await Assert.That(summary.Senders).IsEqualTo(3);
        await Assert.That(summary.Count).IsEqualTo((ulong)(9 + 10 + 11));
        await Assert.That(sink.Lost.Aggregate(0UL, (sum, l) => sum + l.Count)).IsEqualTo((ulong)(senders * (senders + 1) / 2));
    }

    [Test]
    public async Task A_sender_claiming_sequences_near_the_top_saturates_the_count_instead_of_wrapping()
    {
        var sink = new Reports();
        var gaps = new GapReports(sink);
        NodeKeys keys = FuzzKeys.For(1, new Random(3));

        gaps.Lost(keys.NodeId, Line(keys, "mallory", 5, 0), ulong.MaxValue - 1, 0);
        gaps.Lost(keys.NodeId, Line(keys, "mallory", 9, 0), 5, 0);
        gaps.Tick(GapReports.WindowMs);

        await Assert.That(gaps.Total).IsEqualTo(ulong.MaxValue);
        await Assert.That(sink.Lost[^1].Count).IsEqualTo(5UL);
    }
}
