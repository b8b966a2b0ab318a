// The command line: which programs to compare and what to run. Parsed by hand: a handful of options does not
// justify a package in a project that needs none.
using System.Globalization;

namespace P2PChat.Bench;

internal sealed record BenchOptions(IReadOnlyList<ProgramSpec> Programs, bool Quick, IReadOnlySet<string> Only, TimeSpan Settle, string? Reference, bool Verbose, int? Burst, int? Rounds, bool WaitForQuiet, bool Awake, string? SamplesFile = null)
{
    public static readonly string[] Scenarios = ["latency", "throughput", "rss", "fanout", "start"];

    public const string Usage = """
        usage: P2PChat.Bench --program NAME=COMMAND [ARGS...] [--program ...] [options]   (normally via bench/run.sh)
          --program NAME=CMD  a program that follows the pipe contract (repeatable; the first is the subject).
                              Peers run as `CMD PEERNAME [127.0.0.1 PORT] --port P ARGS...`
          --quick             fewer messages and starts: a smoke test
          --only LIST         comma-separated subset of: latency, throughput, rss, fanout, start
                              (rss is measured around the throughput run, so either selects that run)
          --settle MS         pause between warm-up and measurement, for self-healing links to form (default 1000)
          --burst N           messages in the throughput run (default 100,000; 20,000 with --quick)
          --rounds N          repeat each message scenario N times, show medians (default 3; 1 with --quick)
          --reference NAME    the program the ratio columns divide by (default: the one named relay)
          --no-awake          let idle CPUs halt: by default a SCHED_IDLE busy loop per CPU keeps them awake (see
                              CpuWarmer.cs), which takes this VM's costly wake-up of a halted vCPU out of every hop
          --no-wait           do not wait (up to 30 s) for other work on the machine to calm down before each measurement
          --verbose           print each peer's stderr tail when its network is torn down
          --samples FILE      append every round's per-message times (µs, in the order said) to FILE, one line per
                              scenario, program and round: where the slow ones fall (a stall shows as a run of
                              lines each 2 ms less late than the one before)
        """;

    public Workload Work => (Quick ? Workload.Quick : Workload.Full) with
    {
        ThroughputMessages = Burst ?? (Quick ? Workload.Quick : Workload.Full).ThroughputMessages,
        Rounds = Rounds ?? (Quick ? Workload.Quick : Workload.Full).Rounds,
    };

    public bool Runs(string scenario) => Only.Count == 0 || Only.Contains(scenario);

    public static BenchOptions? Parse(string[] args, out string? error)
    {
        var programs = new List<ProgramSpec>();
        var only = new HashSet<string>(StringComparer.Ordinal);
        bool quick = false, verbose = false, wait = true, awake = true;
        int settleMs = 1000;
        int? burst = null, rounds = null;
        string? reference = null, samples = null;
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string? Value() => i + 1 < args.Length ? args[++i] : null;
            switch (arg)
            {
                case "--quick":
                    quick = true;
                    break;
                case "--verbose":
                    verbose = true;
                    break;
                case "--no-wait":
                    wait = false;
                    break;
                case "--no-awake":
                    awake = false;
                    break;
                case "--program" when Value() is { } spec:
                    if (ProgramSpec.Parse(spec, out error) is not { } program)
                        return null;
                    if (programs.Any(p => p.Name == program.Name))
                        return Fail($"two programs named {program.Name}", out error);
                    programs.Add(program);
                    break;
                case "--only" when Value() is { } list:
                    foreach (string name in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (!Scenarios.Contains(name))
                            return Fail($"--only: unknown scenario {name} (known: {string.Join(", ", Scenarios)})", out error);
                        only.Add(name);
                    }
                    break;
                case "--settle" when Value() is { } ms:
                    if (!int.TryParse(ms, NumberStyles.None, CultureInfo.InvariantCulture, out settleMs))
                        return Fail($"--settle wants milliseconds, got {ms}", out error);
                    break;
                case "--burst" when Value() is { } n:
                    if (!int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out int messages) || messages == 0)
                        return Fail($"--burst wants a message count, got {n}", out error);
                    burst = messages;
                    break;
                case "--rounds" when Value() is { } n:
                    if (!int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count == 0)
                        return Fail($"--rounds wants a count, got {n}", out error);
                    rounds = count;
                    break;
                case "--reference" when Value() is { } name:
                    reference = name;
                    break;
                case "--samples" when Value() is { } file:
                    samples = file;
                    break;
                default:
                    return Fail($"unexpected argument {arg}", out error);
            }
        }
        if (programs.Count == 0)
            return Fail("no --program given", out error);
        if (reference is not null && programs.All(p => p.Name != reference))
            return Fail($"--reference {reference}: no such --program", out error);
        reference ??= programs.Any(p => p.Name == "relay") ? "relay" : null;
        return new BenchOptions(programs, quick, only, TimeSpan.FromMilliseconds(settleMs), reference, verbose, burst, rounds, wait, awake, samples);
    }

    private static BenchOptions? Fail(string message, out string? error)
    {
        error = message;
        return null;
    }
}
