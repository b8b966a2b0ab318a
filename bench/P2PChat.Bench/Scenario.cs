// One measurement, run for every program in turn: interleaved per scenario, so a noisy moment on the machine hits
// one scenario of all programs rather than every scenario of one. A program that fails is reported, and the run
// goes on. Also the two steps the message scenarios share: paced sending and waiting for delivery.
using System.Diagnostics;
using System.Globalization;

namespace P2PChat.Bench;

internal abstract class Scenario(BenchOptions options)
{
    /// <summary>Gap between measured messages: long enough that each one crosses an idle network.</summary>
    protected static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(2);

    /// <summary>Others may use this much of the machine before a measurement starts (see ForeignLoad.WaitForQuiet).</summary>
    private const double QuietPercent = 15;
    private static readonly TimeSpan QuietLimit = TimeSpan.FromSeconds(30);

    /// <summary>How long a far end may go without a new message before we stop waiting.</summary>
    protected static readonly TimeSpan Stall = TimeSpan.FromSeconds(5);

    protected BenchOptions Options { get; } = options;

    public abstract string Name { get; }

    /// <summary>True when messages cross an otherwise idle network one by one (CpuWarmer keeps the CPUs awake then).</summary>
    public virtual bool PacedMessages => false;

    public abstract void Run(ResultTable results);

    /// <summary>
    /// Runs `measure` for each program in turn, the whole sequence once per round, with progress on stderr (each
    /// round's headline figures, which `measure` returns, so the spread between rounds is visible there). A
    /// BenchException fails only that program (and it is not tried again in later rounds).
    /// </summary>
    protected void ForEachProgram(ResultTable results, Func<ProgramSpec, string> measure)
    {
        var failed = new HashSet<string>();
        int rounds = Options.Work.Rounds;
        for (int round = 1; round <= rounds; round++)
        {
            foreach (ProgramSpec program in Options.Programs.Where(p => !failed.Contains(p.Name)))
            {
                Console.Error.Write($"bench: {Name}{(rounds > 1 ? $" {round}/{rounds}" : "")}, {program.Name} ... ");
                if (Options.WaitForQuiet)
                    ForeignLoad.WaitForQuiet(QuietPercent, QuietLimit);
                var clock = Stopwatch.StartNew();
                try
                {
                    string headline = measure(program);
                    Console.Error.WriteLine($"{headline} ({clock.Elapsed.TotalSeconds:0.0} s)");
                }
                catch (BenchException e)
                {
                    failed.Add(program.Name);
                    Console.Error.WriteLine($"FAILED: {e.Message}");
                    results.Failed($"{Name}, {program.Name}: FAILED: {e.Message}");
                }
            }
        }
    }

    /// <summary>With --samples: one line of this round's per-message times for the program (µs, in the order said).</summary>
    protected void WriteSamples(ProgramSpec program, IEnumerable<double> micros)
    {
        if (Options.SamplesFile is { } file)
            File.AppendAllText(file, $"{Name} {program.Name} {string.Join(' ', micros.Select(m => Math.Round(m).ToString(CultureInfo.InvariantCulture)))}\n");
    }

    /// <summary>Says measured messages 0..count-1 from `from`, 2 ms apart; returns when each was written.</summary>
    protected static long[] SendPaced(Peer from, int count)
    {
        byte[][] lines = [.. Enumerable.Range(0, count).Select(seq => MessageText.Line(MessageText.Measured, seq))];
        long[] written = new long[count];
        var pacer = new Pacer(Pace);
        for (int seq = 0; seq < count; seq++)
        {
            pacer.WaitNext();
            written[seq] = Stopwatch.GetTimestamp();
            from.Say(lines[seq]);
        }
        return written;
    }

    /// <summary>
    /// Adds the delivery row: "ok" when each of `peers` printed every measured message exactly once, else what each
    /// lost or duplicated; that is also a failure note (a program that loses messages has no valid figures).
    /// </summary>
    protected void ReportDelivery(ResultTable results, string row, ProgramSpec program, IEnumerable<Peer> peers)
    {
        var problems = peers.Where(p => p.Log.Delivery() != "ok").Select(p => $"{p.Name}: {p.Log.Delivery()}").ToList();
        results.AddText(row, program.Name, problems.Count == 0 ? "ok" : string.Join("; ", problems));
        if (problems.Count > 0)
            results.Failed($"{Name}, {program.Name}: delivery not exact: {string.Join("; ", problems)}");
    }

    /// <summary>Adds the rows saying how much of the machine was not ours during the measurement; returns them for the headline.</summary>
    protected static string ReportLoad(ResultTable results, string figure, ProgramSpec program, (double OthersPercent, double StealPercent) load)
    {
        results.Add($"{figure}: other processes' CPU (% of machine)", program.Name, load.OthersPercent, "0", compare: false);
        results.Add($"{figure}: CPU stolen by the hypervisor (% of machine)", program.Name, load.StealPercent, "0", compare: false);
        return $"others {load.OthersPercent:0}%, steal {load.StealPercent:0}%";
    }

    /// <summary>Waits until every one of `peers` printed all `count` messages, stops making progress, or one died.</summary>
    protected static void AwaitDelivery(IReadOnlyList<Peer> peers, int count)
    {
        Wait.Until(() => peers.All(p => p.Log.Distinct == count) || peers.Any(p => p.Log.Ended),
            () => peers.Sum(p => (long)p.Log.Distinct), Stall, TimeSpan.FromMinutes(2));
        Thread.Sleep(100); // let late duplicates show up before anyone counts them
    }
}
