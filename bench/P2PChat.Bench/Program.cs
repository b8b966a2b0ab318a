// Entry point: parses the options, prints what is measured on what, runs each selected scenario for every program
// and prints the table. Every child process dies with the run: at the end, on failure, on Ctrl-C or SIGTERM.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace P2PChat.Bench;

internal static class Program
{
    private static int Main(string[] args)
    {
        if (BenchOptions.Parse(args, out string? error) is not { } options)
        {
            Console.Error.WriteLine($"bench: {error}");
            Console.Error.WriteLine(BenchOptions.Usage);
            return 2;
        }
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => ChildProcesses.KillAll();
        try
        {
            return Run(options);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"bench: {e}");
            return 1;
        }
        finally
        {
            ChildProcesses.KillAll();
        }
    }

    private static int Run(BenchOptions options)
    {
        var clock = Stopwatch.StartNew();
        Workload work = options.Work;
        Console.WriteLine($"# p2pchat bench, {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC{(options.Quick ? " (--quick)" : "")}");
        Console.WriteLine();
        Console.WriteLine($"* machine: {MachineInfo.Describe()}; load average at start {MachineInfo.LoadAverage()}");
        foreach (ProgramSpec program in options.Programs)
            Console.WriteLine($"* {program.Name}: `{program.CommandLine}`");
        Console.WriteLine($"* workload: latency {work.LatencyMessages} msgs, throughput {work.ThroughputMessages:N0} msgs, fan-out {work.FanoutMessages} msgs " +
                          $"(paced msgs 2 ms apart), {work.Starts} starts; settle {options.Settle.TotalMilliseconds:0} ms after warm-up; " +
                          (work.Rounds > 1 ? $"each cell is the median of {work.Rounds} rounds" : "one round"));
        Console.WriteLine(options.Awake
            ? $"* latency and fan-out: CPUs kept awake by a SCHED_IDLE busy loop on each of the {Environment.ProcessorCount} (--no-awake lets them halt)"
            : "* --no-awake: idle CPUs halt, and every hop that wakes one pays for it");
        if (options.Runs("throughput") || options.Runs("rss"))
        {
            double ceiling = ReaderCheck.Run(work.ReaderCheckLines);
            Console.WriteLine($"* harness stdout reader, fed by `yes`: {ceiling / 1e6:0.0} M lines/s");
        }
        Console.Out.Flush();

        var results = new ResultTable();
        var scenarios = new List<Scenario>();
        if (options.Runs("latency"))
            scenarios.Add(new LatencyScenario(options));
        if (options.Runs("throughput") || options.Runs("rss"))
            scenarios.Add(new ThroughputScenario(options));
        if (options.Runs("fanout"))
            scenarios.Add(new FanoutScenario(options));
        if (options.Runs("start"))
            scenarios.Add(new StartScenario(options));
        foreach (Scenario scenario in scenarios)
        {
            using CpuWarmer? warmer = options.Awake && scenario.PacedMessages ? CpuWarmer.Start() : null;
            scenario.Run(results);
        }

        Console.WriteLine();
        results.Print(Console.Out, options.Programs, options.Reference);
        Console.WriteLine();
        Console.WriteLine($"Run took {clock.Elapsed.TotalSeconds:0} s; load average at the end {MachineInfo.LoadAverage()}.");
        return results.HasFailures ? 1 : 0;
    }

    private static void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // exit on our terms, after the children are gone
        ChildProcesses.KillAll();
        Console.Error.WriteLine($"bench: {context.Signal}, children killed");
        Environment.Exit(128 + (context.Signal == PosixSignal.SIGINT ? 2 : 15));
    }
}
