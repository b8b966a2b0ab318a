// Time from exec to listening: start a lone peer, poll-connect to its port until it accepts, kill it; the median
// over several starts. Rounds alternate between programs (one start of each per round), after one round that is
// not counted (it warms the page cache and the harness's own code paths). Includes the harness's fork/exec,
// the same for every program. Also the size of each executable.
using System.Diagnostics;

namespace P2PChat.Bench;

internal sealed class StartScenario(BenchOptions options) : Scenario(options)
{
    public override string Name => "start";

    public override void Run(ResultTable results)
    {
        var samples = Options.Programs.ToDictionary(p => p.Name, _ => new List<double>());
        var failed = new HashSet<string>();
        Console.Error.Write($"bench: {Name}, {Options.Programs.Count} programs x {Options.Work.Starts} ... ");
        var clock = Stopwatch.StartNew();
        for (int round = -1; round < Options.Work.Starts; round++)
        {
            foreach (ProgramSpec program in Options.Programs.Where(p => !failed.Contains(p.Name)))
            {
                try
                {
                    double ms = StartOnce(program);
                    if (round >= 0)
                        samples[program.Name].Add(ms);
                }
                catch (BenchException e)
                {
                    failed.Add(program.Name);
                    results.Failed($"{Name}, {program.Name}: FAILED: {e.Message}");
                }
            }
        }
        Console.Error.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s");
        // One row at a time, so the rows come out in this order even when the first program failed.
        foreach (ProgramSpec program in Options.Programs.Where(p => samples[p.Name].Count > 0))
            results.Add($"exec to listening, median of {Options.Work.Starts} (ms)", program.Name, Stats.Percentile(samples[program.Name], 0.5), "0.0");
        foreach (ProgramSpec program in Options.Programs.Where(p => samples[p.Name].Count > 0))
            results.Add("exec to listening, fastest (ms)", program.Name, samples[program.Name].Min(), "0.0");
        foreach (ProgramSpec program in Options.Programs)
            results.Add("binary size (MB)", program.Name, program.BinaryBytes / 1e6, "0.00");
    }

    private static double StartOnce(ProgramSpec program)
    {
        int port = PortAllocator.Next();
        long start = Stopwatch.GetTimestamp();
        using Peer peer = Peer.Start(program, "s0", port, null, new ArrivalLog(0));
        long listening = ListenProbe.WaitUntilAccepting(peer, TimeSpan.FromSeconds(10));
        return Stats.Micros(listening - start) / 1000;
    }
}
