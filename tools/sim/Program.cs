// Command line of the simulation campaign runner: --seeds N from --start S (or for --minutes M), in parallel on
// every core, printing seeds/s and every failure with the command that replays it; --seed S replays one seed,
// writing its trace to P2PCHAT_SIM_TRACE (a path) when set. --large: runs of 50-250 nodes instead of 3-30 (either mode).
using System.Diagnostics;
using P2PChat.Tests.Simulation;

int seeds = 1000, start = 1;
int? one = null, scale = null, roster = null;
double minutes = 0;
long? idleSeconds = null;
bool large = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--seeds": seeds = int.Parse(args[++i]); break;
        case "--start": start = int.Parse(args[++i]); break;
        case "--seed": one = int.Parse(args[++i]); break;
        case "--scale": scale = int.Parse(args[++i]); break;
        case "--roster": roster = int.Parse(args[++i]); break;
        case "--minutes": minutes = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
        case "--idle": idleSeconds = long.Parse(args[++i]); break;
        case "--large": large = true; break;
        default:
            Console.Error.WriteLine("usage: P2PChat.Sim [--seeds N] [--start S] [--minutes M] [--large] | --seed S [--large] | --scale NODES [--start SEED] [--roster CAP] [--idle SECONDS]");
            return 2;
    }
}

if (scale is int nodes)
{
    // Issue 11's figures at one size, in virtual time (ScaleScenario): idle traffic per node, time to all, 50% crash.
    var wall = Stopwatch.StartNew();
    string? tracePath = Environment.GetEnvironmentVariable("P2PCHAT_SIM_TRACE");
    string? only = Environment.GetEnvironmentVariable("P2PCHAT_SIM_TRACE_ONLY");
    using TextWriter? scaleTrace = string.IsNullOrEmpty(tracePath) ? null
        : string.IsNullOrEmpty(only) ? new StreamWriter(tracePath)
        : new OnlyLines(new StreamWriter(tracePath), only.Split(','));
    // --roster: rosters that hold fewer members than there are nodes (NodeOptions.RosterCapacity), to see a network
    // past the cap without 1,025 nodes.
    var scenario = new ScaleScenario(start, nodes, scaleTrace) { RosterCapacity = roster ?? P2PChat.Net.Protocol.MaxMembers, IdleMs = (idleSeconds ?? 60) * 1000 };
    var result = scenario.Run(line => Console.WriteLine($"[{wall.Elapsed.TotalSeconds,6:0.0} s] {line}"));
    Console.WriteLine(result);
    bool ok = result.LinesDelivered == result.LinesExpected && result.SurvivorsReached == result.Survivors && result.FalseLeaves == 0;
    return ok ? 0 : 1;
}

if (one is int seed)
{
    string? path = Environment.GetEnvironmentVariable("P2PCHAT_SIM_TRACE");
    using TextWriter? trace = string.IsNullOrEmpty(path) ? null : new StreamWriter(path);
    try
    {
        SimResult result = SimScenario.Run(seed, trace, large);
        Console.WriteLine($"seed {seed}: ok ({result.Nodes} nodes, {result.Live} live, {result.Lines} lines, {result.Renames} renames, {result.Events} events, digest {result.Digest}" +
            $"{(result.RosterCapacity < P2PChat.Net.Protocol.MaxMembers ? $", rosters of {result.RosterCapacity}" : "")})");
        return 0;
    }
    catch (SimFailure failure)
    {
        trace?.WriteLine($"FAILED: {failure.Message}");
        Console.WriteLine(failure.Report);
        return 1;
    }
    finally
    {
        if (path is not null)
            Console.WriteLine($"trace written to {path}");
    }
}

var clock = Stopwatch.StartNew();
TimeSpan budget = minutes > 0 ? TimeSpan.FromMinutes(minutes) : TimeSpan.MaxValue;
int done = 0, failed = 0, next = start;
long events = 0;
int last = minutes > 0 ? int.MaxValue : start + seeds - 1;
object gate = new();
var workers = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => Task.Run(() =>
{
    while (clock.Elapsed < budget)
    {
        int s = Interlocked.Increment(ref next) - 1;
        if (s > last)
            return;
        try
        {
            SimResult result = SimScenario.Run(s, large: large);
            Interlocked.Add(ref events, result.Events);
        }
        catch (SimFailure failure)
        {
            Interlocked.Increment(ref failed);
            lock (gate)
                Console.WriteLine(failure.Report);
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref failed);
            lock (gate)
                Console.WriteLine($"seed {s}: crashed: {e}\n  replay: dotnet run --project tools/sim -c Release -- --seed {s}{(large ? " --large" : "")}");
        }
        int count = Interlocked.Increment(ref done);
        if (count % (large ? 10 : 100) == 0)
            lock (gate)
                Console.WriteLine($"{count} seeds, {failed} failed, {count / clock.Elapsed.TotalSeconds:0.0} seeds/s");
    }
})).ToArray();
Task.WaitAll(workers);
Console.WriteLine($"done: {done} seeds from {start}, {failed} failed, {clock.Elapsed.TotalSeconds:0.0} s, " +
    $"{done / clock.Elapsed.TotalSeconds:0.0} seeds/s, {events / Math.Max(1, done)} events/seed");
return failed == 0 ? 0 : 1;
