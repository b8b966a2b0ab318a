// How much each scenario does: the full run, or --quick for a smoke test of every path in well under a minute.
namespace P2PChat.Bench;

// A full run repeats each message scenario three times (programs interleaved within each round) and shows medians:
// on a shared two-core machine one round often catches someone else's build or test run.
internal sealed record Workload(int Rounds, int LatencyMessages, int ThroughputMessages, int FanoutMessages, int Starts, int ReaderCheckLines)
{
    public static readonly Workload Full = new(Rounds: 3, LatencyMessages: 300, ThroughputMessages: 100_000, FanoutMessages: 200, Starts: 10, ReaderCheckLines: 4_000_000);
    public static readonly Workload Quick = new(Rounds: 1, LatencyMessages: 60, ThroughputMessages: 20_000, FanoutMessages: 40, Starts: 3, ReaderCheckLines: 1_000_000);
}
