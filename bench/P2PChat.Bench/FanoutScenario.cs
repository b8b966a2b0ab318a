// Fan-out in a star of 1+16 (every leaf joins the centre): the centre says the measured messages 2 ms apart, and
// each one's time runs from the write to the centre's stdin until the last of the 16 leaves printed it. Also the
// centre's idle RSS: the one peer here with 16 links.
namespace P2PChat.Bench;

internal sealed class FanoutScenario(BenchOptions options) : Scenario(options)
{
    private const int Leaves = 16;
    private const string Figure = "fan-out, star of 1+16";

    public override bool PacedMessages => true;

    public override string Name => "fanout";

    public override void Run(ResultTable results) => ForEachProgram(results, program => Measure(program, results));

    private string Measure(ProgramSpec program, ResultTable results)
    {
        int count = Options.Work.FanoutMessages;
        using Network network = Network.Star(program, Leaves, count, Options);
        Peer centre = network[0];
        Peer[] leaves = [.. network.Peers.Skip(1)];
        network.WarmUp(centre, leaves);
        long centreRss = centre.RssKiB();

        var load = ForeignLoad.Start(network.Peers);
        long[] written = SendPaced(centre, count);
        AwaitDelivery(leaves, count);
        network.CheckAlive();
        var othersLoad = load.Measure();

        var micros = new List<double>(count);
        for (int seq = 0; seq < count; seq++)
        {
            long lastLeaf = 0; // stays 0 if some leaf never printed it: that counts under delivery, not here
            foreach (Peer leaf in leaves)
            {
                long arrival = leaf.Log.FirstArrival(seq);
                if (arrival == 0)
                {
                    lastLeaf = 0;
                    break;
                }
                lastLeaf = Math.Max(lastLeaf, arrival);
            }
            if (lastLeaf != 0)
                micros.Add(Stats.Micros(lastLeaf - written[seq]));
        }
        if (micros.Count == 0)
            throw new BenchException($"no message of {count} reached all {Leaves} leaves");
        WriteSamples(program, micros);
        double p50 = Stats.Percentile(micros, 0.50), p99 = Stats.Percentile(micros, 0.99);
        results.Add($"{Figure}: last leaf p50 (µs)", program.Name, p50, "0");
        results.Add($"{Figure}: last leaf p99 (µs)", program.Name, p99, "0");
        results.AddPooled($"{Figure}: last leaf p99 of every round's lines together (µs)", program.Name, micros, 0.99, "0");
        ReportDelivery(results, $"{Figure}: every leaf got each of {count} once", program, leaves);
        results.Add("RSS idle, star centre with 16 leaves (MiB)", program.Name, Stats.MiB(centreRss), "0.0");
        string others = ReportLoad(results, Figure, program, othersLoad);
        return $"p50 {p50:0} µs, p99 {p99:0} µs, {others}";
    }
}
