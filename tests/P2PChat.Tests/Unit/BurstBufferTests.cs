// When a buffer grown for a burst goes back to its small size (BurstBuffer): only after a run of uses that fit the
// small size, and a large use in the run starts the count again, so a link that keeps bursting keeps its buffer.
using P2PChat.Net;

namespace P2PChat.Tests;

public class BurstBufferTests
{
    private const int Small = 4096, Large = 65536;

    [Test]
    public async Task A_grown_buffer_shrinks_after_a_run_of_small_uses_and_not_before()
    {
        var burst = new BurstBuffer();
        var answers = Enumerable.Range(0, BurstBuffer.QuietUses).Select(_ => burst.ShouldShrink(100, Large, Small)).ToList();

        await Assert.That(answers.Take(BurstBuffer.QuietUses - 1).Any(a => a)).IsFalse();
        await Assert.That(answers[^1]).IsTrue();
    }

    [Test]
    public async Task A_large_use_in_the_run_starts_the_count_again()
    {
        var burst = new BurstBuffer();
        for (int i = 0; i < BurstBuffer.QuietUses - 1; i++)
            burst.ShouldShrink(100, Large, Small);
        bool afterBurst = burst.ShouldShrink(Small + 1, Large, Small);
        var again = Enumerable.Range(0, BurstBuffer.QuietUses - 1).Select(_ => burst.ShouldShrink(100, Large, Small)).ToList();

        await Assert.That(afterBurst).IsFalse();
        await Assert.That(again.Any(a => a)).IsFalse();
        await Assert.That(burst.ShouldShrink(100, Large, Small)).IsTrue();
    }

    [Test]
    public async Task A_buffer_at_its_small_size_never_shrinks()
    {
        var burst = new BurstBuffer();
        bool any = Enumerable.Range(0, 10 * BurstBuffer.QuietUses).Any(_ => burst.ShouldShrink(100, Small, Small));

        await Assert.That(any).IsFalse();
    }
}
