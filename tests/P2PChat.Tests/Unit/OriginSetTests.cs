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
}
