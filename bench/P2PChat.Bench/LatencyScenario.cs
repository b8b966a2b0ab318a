// Latency through a line of 8 (n_i joins n_(i-1)): n0 says the measured messages 2 ms apart, and each one's
// latency runs from the harness's write to n0's stdin until n7's stdout line came out of read(2): 7 hops and
// 2 pipes for a tree-only program, fewer hops once p2pchat's self-healing added links.
namespace P2PChat.Bench;

internal sealed class LatencyScenario(BenchOptions options) : Scenario(options)
{
    private const int Length = 8;
    private const string Figure = "latency, line of 8";

    // Only n7's stdout is timed. The six in between are read every 20 ms (10 lines at this pace) rather than
    // line by line: six harness threads waking on every message would compete with the hops being timed for the
    // two cores (it cost ~15-20% of relay's p50 here). 20 ms of lines never fill a pipe.
    private const uint MiddleNapMicros = 20_000;

    public override bool PacedMessages => true;

    public override string Name => "latency";

    public override void Run(ResultTable results) => ForEachProgram(results, program => Measure(program, results));

    private string Measure(ProgramSpec program, ResultTable results)
    {
        int count = Options.Work.LatencyMessages;
        using Network network = Network.Line(program, Length, count, Options, i => i == Length - 1 ? 0 : MiddleNapMicros);
        Peer first = network[0], last = network[Length - 1];
        network.WarmUp(first, [last]);

        var load = ForeignLoad.Start(network.Peers);
        long[] written = SendPaced(first, count);
        AwaitDelivery([last], count);
        network.CheckAlive();
        var othersLoad = load.Measure();

        var micros = new List<double>(count);
        for (int seq = 0; seq < count; seq++)
            if (last.Log.FirstArrival(seq) is var arrival and not 0)
                micros.Add(Stats.Micros(arrival - written[seq]));
        if (micros.Count == 0)
            throw new BenchException($"none of {count} messages reached {last.Describe()}");
        WriteSamples(program, micros);
        double p50 = Stats.Percentile(micros, 0.50), p99 = Stats.Percentile(micros, 0.99);
        results.Add($"{Figure}: p50 (µs)", program.Name, p50, "0");
        results.Add($"{Figure}: p99 (µs)", program.Name, p99, "0");
        results.AddPooled($"{Figure}: p99 of every round's messages together (µs)", program.Name, micros, 0.99, "0");
        ReportDelivery(results, $"{Figure}: far end got each of {count} once", program, [last]);
        string others = ReportLoad(results, Figure, program, othersLoad);
        return $"p50 {p50:0} µs, p99 {p99:0} µs, {others}";
    }
}
