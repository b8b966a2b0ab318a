// The prune sets' sorted array (OriginSet): the same answers as a HashSet<ulong> under any order of adds, repeats and
// clears, at the ends of the id range too. (What it saves is measured by the simulator's scale run: live heap a node.)
using P2PChat.Net;

namespace P2PChat.Tests;

public class OriginSetTests
{
    [Test]
    [Arguments(1)]
    [Arguments(2)]
    [Arguments(3)]
    public async Task It_answers_as_a_hash_set_does_under_random_adds_repeats_and_clears(int seed)
    {
        var random = new Random(seed);
        var set = new OriginSet();
        var reference = new HashSet<ulong>();
        // A small pool, so that repeats are common; its ends are the extremes of the id range.
        ulong[] pool = [0, ulong.MaxValue, .. Enumerable.Range(0, 300).Select(_ => (ulong)random.NextInt64() * 2 + (ulong)random.Next(2))];
        var wrong = new List<string>();
        for (int step = 0; step < 20_000; step++)
        {
            ulong id = pool[random.Next(pool.Length)];
            switch (random.Next(100))
            {
                case 0:
                    set.Clear();
                    reference.Clear();
                    break;
                case < 60:
                    if (set.Add(id) != reference.Add(id))
                        wrong.Add($"step {step}: Add({id:x16})");
                    break;
                default:
                    if (set.Contains(id) != reference.Contains(id))
                        wrong.Add($"step {step}: Contains({id:x16})");
                    break;
            }
            if (set.Count != reference.Count)
                wrong.Add($"step {step}: Count {set.Count}, expected {reference.Count}");
        }

        await Assert.That(wrong).IsEmpty();
    }

    [Test]
    public async Task Ids_added_in_descending_order_past_the_prune_cap_are_all_found_and_nothing_else_is()
    {
        // The order that made every insert move the whole array when ids went in place one by one.
        const int count = 5000;
        var set = new OriginSet();
        for (int i = count; i >= 1; i--)
            set.Add((ulong)i * 1_000_003);

        bool allFound = Enumerable.Range(1, count).All(i => set.Contains((ulong)i * 1_000_003));
        bool noneElse = !Enumerable.Range(1, count).Any(i => set.Contains((ulong)i * 1_000_003 + 1));
        bool repeatRefused = !set.Add(1_000_003);
        await Assert.That(set.Count).IsEqualTo(count);
        await Assert.That(allFound).IsTrue();
        await Assert.That(noneElse).IsTrue();
        await Assert.That(repeatRefused).IsTrue();
    }
}
