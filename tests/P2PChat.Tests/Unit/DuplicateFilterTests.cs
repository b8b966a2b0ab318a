// The flood's duplicate filter: exactly-once acceptance per (origin, seq), seen ranges per origin that survive
// one path running far ahead of another, bounded gaps and a bounded number of origins.
using P2PChat.Net;

namespace P2PChat.Tests;

public class DuplicateFilterTests
{
    [Test]
    public async Task First_sight_is_accepted_and_a_repeat_is_refused()
    {
        var filter = new DuplicateFilter();
        var id = new MessageId(0xABCDEF, 1);

        bool first = filter.TryAccept(id);
        bool second = filter.TryAccept(id);
        bool third = filter.TryAccept(id);

        await Assert.That(first).IsTrue();
        await Assert.That(second).IsFalse();
        await Assert.That(third).IsFalse();
    }

    [Test]
    public async Task Sequence_zero_is_never_accepted()
    {
        var filter = new DuplicateFilter();

        await Assert.That(filter.TryAccept(new MessageId(1, 0))).IsFalse();
    }

    [Test]
    [Arguments(new ulong[] { 5, 3, 4, 1, 2 })]
    [Arguments(new ulong[] { 1000, 1, 500, 999, 2 })]
    [Arguments(new ulong[] { 16385, 1 })] // 1 is exactly LiveSlack below the first live sequence: still accepted
    [Arguments(new ulong[] { 2, 1, 3, 10, 9, 4, 8, 5, 7, 6 })]
    public async Task Out_of_order_sequences_are_accepted_once_each(ulong[] order)
    {
        var filter = new DuplicateFilter();
        var firstPass = order.Select(seq => filter.TryAccept(new MessageId(9, seq))).ToArray();
        var secondPass = order.Select(seq => filter.TryAccept(new MessageId(9, seq))).ToArray();

        await Assert.That(firstPass.All(accepted => accepted)).IsTrue()
            .Because($"first pass over [{string.Join(", ", order)}] gave [{string.Join(", ", firstPass)}]");
        await Assert.That(secondPass.Any(accepted => accepted)).IsFalse()
            .Because($"second pass gave [{string.Join(", ", secondPass)}]");
    }

    [Test]
    [Arguments(16386UL, 1UL)] // one more than LiveSlack below
    [Arguments(50000UL, 33615UL)]
    [Arguments(ulong.MaxValue, 1UL)]
    public async Task A_sequence_far_older_than_the_first_live_one_counts_as_before_our_time(ulong first, ulong old)
    {
        var filter = new DuplicateFilter();
        filter.TryAccept(new MessageId(9, first));

        await Assert.That(first - old).IsGreaterThan(DuplicateFilter.LiveSlack);
        await Assert.That(filter.TryAccept(new MessageId(9, old))).IsFalse();
    }

    [Test]
    public async Task A_path_a_hundred_thousand_messages_ahead_loses_nothing_that_the_slow_path_still_carries()
    {
        var filter = new DuplicateFilter();
        int refused = 0;
        for (ulong seq = 1; seq <= 100; seq++) // the slow path, then a new shorter path opens mid-burst
            refused += filter.TryAccept(new MessageId(9, seq)) ? 0 : 1;
        for (ulong seq = 50_000; seq <= 150_000; seq++) // the fast path runs far ahead
            refused += filter.TryAccept(new MessageId(9, seq)) ? 0 : 1;
        int rangesMeanwhile = filter.RangeCountOf(9);
        for (ulong seq = 101; seq <= 150_000; seq++) // the slow path catches up: the first half new, the rest repeats
            refused += filter.TryAccept(new MessageId(9, seq)) ? 0 : 1;

        await Assert.That(rangesMeanwhile).IsEqualTo(1).Because("the seen set was the base plus one range");
        await Assert.That(refused).IsEqualTo(100_001).Because("exactly the repeats of 50,000..150,000 are refused");
        await Assert.That(filter.RangeCountOf(9)).IsEqualTo(0);
        await Assert.That(filter.ContiguousOf(9)).IsEqualTo(150_000UL);
    }

    [Test]
    public async Task Too_many_gaps_give_up_the_lowest_one_so_memory_stays_bounded()
    {
        var filter = new DuplicateFilter();
        filter.TryAccept(new MessageId(9, 1));
        for (ulong i = 1; i <= DuplicateFilter.MaxRanges + 10; i++)
            filter.TryAccept(new MessageId(9, 1 + 2 * i)); // 3, 5, 7, ...: a gap below each

        await Assert.That(filter.RangeCountOf(9)).IsEqualTo(DuplicateFilter.MaxRanges);
        await Assert.That(filter.TryAccept(new MessageId(9, 2))).IsFalse().Because("the lowest gaps were given up");
        await Assert.That(filter.TryAccept(new MessageId(9, 2 * (DuplicateFilter.MaxRanges + 10)))).IsTrue()
            .Because("the highest gaps are still open");
    }

    [Test]
    public async Task Before_the_horizon_only_the_history_source_replays_count_and_the_summary_starts_there()
    {
        var filter = new DuplicateFilter();
        filter.Seed(9, 5000, now: 0); // our first peer had 9's messages up to 5000 when we joined

        bool history = filter.TryAccept(new MessageId(9, 4990), replayed: true, fromHistorySource: true);
        bool otherReplay = filter.TryAccept(new MessageId(9, 4991), replayed: true, fromHistorySource: false);
        bool oldLiveCopy = filter.TryAccept(new MessageId(9, 4995));
        bool live = filter.TryAccept(new MessageId(9, 5001));

        await Assert.That(history).IsTrue().Because("our --history, from the peer we joined through");
        await Assert.That(otherReplay).IsFalse().Because("someone else's history passing by is not ours");
        await Assert.That(oldLiveCopy).IsFalse();
        await Assert.That(live).IsTrue();
        await Assert.That(filter.ContiguousOf(9)).IsEqualTo(5001UL)
            .Because("a later link must not replay what was said before we joined");
    }

    [Test]
    public async Task A_seeded_horizon_above_the_senders_announcement_is_lowered_to_it_by_the_second_taken_once_our_history_is_in_and_the_first_seconds_are_past()
    {
        const long later = DuplicateFilter.HorizonJudgeAfterMs;
        var filter = new DuplicateFilter();
        filter.Seed(9, 1_000_000, now: 0); // a first peer claimed 9 had said a million lines
        DuplicateFilter.OriginState state = filter.Find(9)!;

        await Assert.That(DuplicateFilter.DoubtHorizon(state, 40, now: 1_000, awaitingHistory: false)).IsFalse()
            .Because("an announcement taken in the first seconds may be older than lines our first peer had: the roster's copy");
        await Assert.That(DuplicateFilter.DoubtHorizon(state, 40, now: later, awaitingHistory: true)).IsFalse()
            .Because("our history source may still replay lines of it up to the horizon");
        await Assert.That(DuplicateFilter.DoubtHorizon(state, 45, now: later, awaitingHistory: false)).IsFalse()
            .Because("the first taken after that may be a roster's old copy too, met late: a first link that died early");
        await Assert.That(DuplicateFilter.DoubtHorizon(state, 50, now: later + 1, awaitingHistory: false)).IsTrue();
        await Assert.That(state.Horizon).IsEqualTo(50UL);
        await Assert.That(state.Shown).IsEqualTo(50UL);
        await Assert.That(filter.Admit(new MessageId(9, 51), now: later)).IsEqualTo(Admission.New);
        await Assert.That(DuplicateFilter.DoubtHorizon(state, 10, now: 2 * later, awaitingHistory: false)).IsFalse()
            .Because("a horizon is judged once");
    }

    [Test]
    public async Task A_horizon_is_lowered_below_the_lowest_live_line_it_dropped_but_never_below_a_line_already_had()
    {
        const long later = DuplicateFilter.HorizonJudgeAfterMs;
        var dropped = new DuplicateFilter();
        dropped.Seed(9, 1_000_000, now: 0);
        await Assert.That(dropped.Admit(new MessageId(9, 45), now: 1)).IsEqualTo(Admission.Seen).Because("taken for history");
        DuplicateFilter.OriginState state = dropped.Find(9)!;
        DuplicateFilter.DoubtHorizon(state, 40, now: later, awaitingHistory: false);
        await Assert.That(DuplicateFilter.DoubtHorizon(state, 50, now: later, awaitingHistory: false)).IsTrue();
        await Assert.That(state.Horizon).IsEqualTo(44UL).Because("line 45 came live after an announcement older than it");
        await Assert.That(dropped.Admit(new MessageId(9, 45), now: later)).IsEqualTo(Admission.New).Because("its repair is wanted");

        // Our history source replayed the sender's lines up to 100; the sender's own announcement of 50 is its lie, and
        // lowering past 100 would leave lines we showed wanted again (held for, then reported lost).
        var replayed = new DuplicateFilter();
        replayed.Seed(9, 100, now: 0);
        for (ulong seq = 96; seq <= 100; seq++)
            await Assert.That(replayed.Admit(new MessageId(9, seq), now: 1, replayed: true, fromHistorySource: true)).IsEqualTo(Admission.History);
        state = replayed.Find(9)!;
        DuplicateFilter.DoubtHorizon(state, 40, now: later, awaitingHistory: false);
        await Assert.That(DuplicateFilter.DoubtHorizon(state, 50, now: later, awaitingHistory: false)).IsFalse();
        await Assert.That(state.Horizon).IsEqualTo(100UL);
    }

    [Test]
    public async Task History_below_the_horizon_is_admitted_as_history_and_a_live_copy_of_it_is_a_repeat()
    {
        var filter = new DuplicateFilter();
        filter.Seed(9, 10, now: 0);

        await Assert.That(filter.Admit(new MessageId(9, 10), now: 1)).IsEqualTo(Admission.Seen)
            .Because("said before we joined: only our history source's replay shows it");
        await Assert.That(filter.Admit(new MessageId(9, 10), now: 1, replayed: true, fromHistorySource: true)).IsEqualTo(Admission.History);
        await Assert.That(filter.Admit(new MessageId(9, 11), now: 1)).IsEqualTo(Admission.New);
    }

    [Test]
    public async Task Same_sequence_from_many_origins_is_accepted_for_each_origin()
    {
        var filter = new DuplicateFilter();
        int accepted = 0;
        int repeats = 0;
        for (ulong origin = 1; origin <= 1000; origin++)
            for (ulong seq = 1; seq <= 3; seq++)
            {
                if (filter.TryAccept(new MessageId(origin, seq)))
                    accepted++;
                if (filter.TryAccept(new MessageId(origin, seq)))
                    repeats++;
            }

        await Assert.That(accepted).IsEqualTo(3000);
        await Assert.That(repeats).IsEqualTo(0);
        await Assert.That(filter.OriginCount).IsEqualTo(1000);
    }

    [Test]
    [Arguments(1)]
    [Arguments(3)]
    [Arguments(16)]
    public async Task A_full_table_refuses_new_senders_heard_within_the_quarantine_and_never_exceeds_its_cap(int maxOrigins)
    {
        var filter = new DuplicateFilter(maxOrigins);
        int largest = 0;
        int refused = 0;
        for (ulong origin = 1; origin <= 500; origin++)
        {
            if (filter.Admit(new MessageId(origin, 1), now: (long)origin) == Admission.Refused)
                refused++;
            largest = Math.Max(largest, filter.OriginCount);
        }

        await Assert.That(largest).IsEqualTo(maxOrigins);
        await Assert.That(refused).IsEqualTo(500 - maxOrigins);
        await Assert.That(filter.Admit(new MessageId(1, 1), now: 600)).IsEqualTo(Admission.Seen)
            .Because("the senders kept are never forgotten while they are recent, so their copies stay repeats");
    }

    [Test]
    public async Task A_quiet_sender_makes_room_and_its_old_lines_are_still_recognised_as_repeats()
    {
        var filter = new DuplicateFilter(maxOrigins: 2);
        filter.Admit(new MessageId(1, 1), now: 0); // A
        filter.Admit(new MessageId(2, 5), now: 0); // B
        filter.Admit(new MessageId(1, 2), now: DuplicateFilter.QuarantineMs); // A again: B is the least recent

        long later = DuplicateFilter.QuarantineMs + 1;
        await Assert.That(filter.Admit(new MessageId(3, 1), now: later)).IsEqualTo(Admission.New).Because("B was quiet long enough to retire");
        await Assert.That(filter.OriginCount).IsEqualTo(2);
        await Assert.That(filter.RetiredCount).IsEqualTo(1);
        await Assert.That(filter.Admit(new MessageId(2, 5), now: later)).IsEqualTo(Admission.Seen)
            .Because("a retired sender keeps its highest sequence: a replay of its old line is not news");
        await Assert.That(filter.Admit(new MessageId(1, 2), now: later)).IsEqualTo(Admission.Seen);
    }

    [Test]
    public async Task A_million_sequential_messages_from_one_origin_keep_one_entry()
    {
        var filter = new DuplicateFilter();
        int refused = 0;
        for (ulong seq = 1; seq <= 1_000_000; seq++)
            if (!filter.TryAccept(new MessageId(0x1234, seq)))
                refused++;

        await Assert.That(refused).IsEqualTo(0);
        await Assert.That(filter.OriginCount).IsEqualTo(1);
        await Assert.That(filter.TryAccept(new MessageId(0x1234, 1_000_000))).IsFalse();
        await Assert.That(filter.TryAccept(new MessageId(0x1234, 999_000))).IsFalse();
    }
}
