// The timer's young collections (YoungCollections): a process that allocated more than the budget since the GC last
// collected gets a young collection at the next check, so a flood of allocating work cannot grow it to whatever budget
// the GC derived from the CPU's cache (94 MiB on the 300 MiB-L3 machine this runs on).
using P2PChat.Net;

namespace P2PChat.Tests;

[NotInParallel]
public class YoungCollectionsTests
{
    private static volatile object? _sink;

    [Test]
    public async Task After_more_than_the_budget_of_garbage_the_next_check_has_had_a_young_collection()
    {
        YoungCollections.Check(); // marks where the GC stands now
        int before = GC.CollectionCount(0);
        for (long made = 0; made < YoungCollections.YoungBudgetBytes * 3 / 2; made += 4096)
            _sink = new byte[4096 - 24];
        YoungCollections.Check();

        // Either the GC collected on its own while we allocated (a small budget), or the check did.
        await Assert.That(GC.CollectionCount(0)).IsGreaterThan(before);
    }
}
