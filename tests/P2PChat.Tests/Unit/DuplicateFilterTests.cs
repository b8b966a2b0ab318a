// The flood's duplicate filter: exactly-once acceptance per (origin, seq), a sliding window per origin, and a
// bounded number of origins.
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
    [Arguments(new ulong[] { 1024, 1 })] // 1 is exactly Window-1 below 1024: still inside
    [Arguments(new ulong[] { 2, 1, 3, 10, 9, 4, 8, 5, 7, 6 })]
    public async Task Out_of_order_sequences_within_the_window_are_accepted_once_each(ulong[] order)
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
    [Arguments(16385UL, 1UL)] // exactly Window below
    [Arguments(50000UL, 33616UL)]
    [Arguments(ulong.MaxValue, 1UL)]
    public async Task Sequence_older_than_the_window_is_refused(ulong highest, ulong old)
    {
        var filter = new DuplicateFilter();
        filter.TryAccept(new MessageId(9, highest));

        await Assert.That(highest - old).IsGreaterThanOrEqualTo((ulong)DuplicateFilter.Window);
        await Assert.That(filter.TryAccept(new MessageId(9, old))).IsFalse();
    }

    [Test]
    public async Task A_jump_beyond_the_window_forgets_old_bits_so_the_new_window_starts_clean()
    {
        var filter = new DuplicateFilter();
        for (ulong seq = 1; seq <= 10; seq++)
            filter.TryAccept(new MessageId(9, seq));

        // Same bit positions as 1..10, one window later: must not look like repeats.
        bool jumped = filter.TryAccept(new MessageId(9, 10 + DuplicateFilter.Window));
        var inNewWindow = Enumerable.Range(1, 9)
            .Select(i => filter.TryAccept(new MessageId(9, (ulong)i + DuplicateFilter.Window)))
            .ToArray();

        await Assert.That(jumped).IsTrue();
        await Assert.That(inNewWindow.All(accepted => accepted)).IsTrue()
            .Because($"got [{string.Join(", ", inNewWindow)}]");
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
    public async Task Origins_beyond_the_cap_evict_so_the_table_never_exceeds_it(int maxOrigins)
    {
        var filter = new DuplicateFilter(maxOrigins);
        int largest = 0;
        for (ulong origin = 1; origin <= 500; origin++)
        {
            filter.TryAccept(new MessageId(origin, 1));
            filter.TryAccept(new MessageId(origin, 2));
            largest = Math.Max(largest, filter.OriginCount);
        }

        await Assert.That(largest).IsEqualTo(maxOrigins);
        await Assert.That(filter.OriginCount).IsEqualTo(maxOrigins);
    }

    [Test]
    public async Task Eviction_forgets_the_origin_heard_from_least_recently()
    {
        var filter = new DuplicateFilter(maxOrigins: 2);
        filter.TryAccept(new MessageId(1, 1)); // A
        filter.TryAccept(new MessageId(2, 1)); // B
        filter.TryAccept(new MessageId(1, 2)); // A again: B is now the least recent

        filter.TryAccept(new MessageId(3, 1)); // C evicts B

        await Assert.That(filter.OriginCount).IsEqualTo(2);
        await Assert.That(filter.TryAccept(new MessageId(1, 2))).IsFalse().Because("A was kept, so its repeat is still known");
        await Assert.That(filter.TryAccept(new MessageId(3, 1))).IsFalse().Because("C was just added");
        // B was forgotten: its old message looks new again (the documented price of a bounded table).
        await Assert.That(filter.TryAccept(new MessageId(2, 1))).IsTrue();
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
