// A short slice of the fuzz campaign (tools/fuzz runs the long one) and the seeds on which it found bugs, kept so the
// fixes stay fixed. Each case is a pure function of its seed: a failure message carries the command that replays it.
namespace P2PChat.Tests.Fuzz;

// Alone: thousands of handshakes and signatures are seconds of CPU that loopback tests beside it need for their timers.
[NotInParallel]
public class FuzzTests
{
    private static async Task RunSlice(FuzzTarget target, int from, int count)
    {
        var failures = new List<string>();
        for (int seed = from; seed < from + count; seed++)
        {
            try
            {
                FuzzCases.Run(target, seed);
            }
            catch (FuzzFailure failure)
            {
                failures.Add(failure.Report);
            }
        }
        await Assert.That(failures).IsEmpty().Because(string.Join("\n", failures));
    }

    [Test]
    public Task Frame_decoder_and_parsers_survive_three_thousand_random_and_mutated_frames() => RunSlice(FuzzTarget.Frames, 1, 3000);

    [Test]
    public Task Handshake_survives_three_hundred_sessions_of_mutated_records() => RunSlice(FuzzTarget.Handshake, 1, 300);

    [Test]
    public Task A_peer_sending_fuzzed_frames_after_the_handshake_disturbs_nobody_else() => RunSlice(FuzzTarget.Session, 1, 60);

    [Test]
    // A record full of SYNCs: each SYNC was answered with the whole log even after the link's queue had overflowed
    // (the link is only closed once the input is handled), so one 64 KiB record cost up to ~60 MB of sealing.
    [Arguments(1)]
    [Arguments(2)]
    [Arguments(9)]
    public async Task A_record_full_of_SYNCs_is_not_answered_past_a_full_queue(int seed)
    {
        FuzzFailure? failure = null;
        try
        {
            FuzzCases.Run(FuzzTarget.Session, seed);
        }
        catch (FuzzFailure e)
        {
            failure = e;
        }
        await Assert.That(failure).IsNull().Because(failure?.Report ?? "");
    }
}
