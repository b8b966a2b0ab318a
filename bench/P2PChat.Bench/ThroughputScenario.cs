// Throughput through a line of 3: all measured messages go into n0's stdin as one buffered stream, as fast as the
// pipe takes them; the figure is messages / (first write -> n2 printed the last new one). Every message must
// arrive exactly once at n1 and n2. Around the burst: each peer's RSS idle and after, and the CPU time spent.
using System.Diagnostics;

namespace P2PChat.Bench;

internal sealed class ThroughputScenario(BenchOptions options) : Scenario(options)
{
    private const string Figure = "throughput, line of 3";
    private const uint ReaderNapMicros = 250; // stdout read in batches: the end time is at most this late

    public override string Name => "throughput";

    public override void Run(ResultTable results) => ForEachProgram(results, program => Measure(program, results));

    private string Measure(ProgramSpec program, ResultTable results)
    {
        int count = Options.Work.ThroughputMessages;
        using Network network = Network.Line(program, 3, count, Options, _ => ReaderNapMicros);
        Peer first = network[0], last = network[2];
        network.WarmUp(first, [last]);

        byte[] burst = MessageText.Burst(count);
        long[] idleRss = [.. network.Peers.Select(p => p.RssKiB())];
        double[] cpuBefore = [.. network.Peers.Select(p => p.CpuSeconds())];
        TimeSpan harnessBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var load = ForeignLoad.Start(network.Peers);

        long start = 0;
        Exception? writeError = null;
        var writer = new Thread(() =>
        {
            try
            {
                start = Stopwatch.GetTimestamp();
                first.Say(burst); // blocks while n0 lags behind: that is the back-pressure being measured
            }
            catch (IOException e)
            {
                writeError = e;
            }
        }) { IsBackground = true, Name = "burst writer" };
        writer.Start();

        AwaitDelivery([network[1], last], count);
        long end = last.Log.LastNew;
        double[] cpuAfter = [.. network.Peers.Select(p => p.CpuSeconds())];
        TimeSpan harnessAfter = Process.GetCurrentProcess().TotalProcessorTime;
        long[] busyRss = [.. network.Peers.Select(p => p.RssKiB())];
        var othersLoad = load.Measure();
        if (!writer.Join(TimeSpan.FromSeconds(5))) // also makes `start` and `writeError` visible here
            throw new BenchException($"{first.Describe()} stopped reading stdin; {last.Name} got {last.Log.Distinct} of {count}");
        if (writeError is not null)
            throw new BenchException($"writing to {first.Describe()}: {writeError.Message}");
        network.CheckAlive();

        // If some never arrived, the rate is over those that did (and the delivery row says so).
        double seconds = Stats.Seconds(end - start), rate = last.Log.Distinct / seconds;
        results.Add($"{Figure}: {count:N0} msgs (msgs/s)", program.Name, rate, "N0");
        ReportDelivery(results, $"{Figure}: n1 and n2 got each once", program, network.Peers.Skip(1));
        results.Add($"{Figure}: CPU of the 3 peers per msg (µs)", program.Name, (cpuAfter.Sum() - cpuBefore.Sum()) / count * 1e6, "0.0");
        results.Add($"{Figure}: harness CPU (% of one core)", program.Name, (harnessAfter - harnessBefore).TotalSeconds / seconds * 100, "0", compare: false);
        string others = ReportLoad(results, Figure, program, othersLoad);
        results.Add("RSS idle, line of 3, mean per peer (MiB)", program.Name, Stats.MiB((long)idleRss.Average()), "0.0");
        results.Add($"RSS after {count:N0} msgs, mean per peer (MiB)", program.Name, Stats.MiB((long)busyRss.Average()), "0.0");
        results.Add($"RSS after {count:N0} msgs, largest peer (MiB)", program.Name, Stats.MiB(busyRss.Max()), "0.0");
        return $"{rate:N0} msgs/s, {others}";
    }
}
