// Load test of one p2pchat peer under attack, over loopback only (see bench/README.md, "Load"). Usage:
//   P2PChat.Load --binary ./p2pchat [--duration 20] [--rate 20] [--only baseline,idle,slow,flood,flood-keys]
//                [--idle 5000] [--slow 200] [--keys 6000] [--grace 5] [--rss-bound 64] [--victim-nofile N] [--victim-env K=V]
// The table goes to stdout (markdown), progress and details to stderr.
using System.Globalization;
using P2PChat.Bench;

namespace P2PChat.Load;

internal sealed class LoadOptions
{
    public string Binary { get; set; } = "./p2pchat";
    public double DurationSeconds { get; set; } = 20;
    public double Rate { get; set; } = 20;
    public int GraceSeconds { get; set; } = 25;
    public int Idle { get; set; } = 5000;
    public int Slow { get; set; } = 200;
    public int Keys { get; set; } = 6000;
    public int RssBoundMiB { get; set; } = 64;
    public int? VictimNofile { get; set; }
    public Dictionary<string, string> VictimEnvironment { get; } = [];
    public List<string> Only { get; set; } = ["baseline", "idle", "slow", "flood", "flood-keys"];

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--binary": options.Binary = Path.GetFullPath(Next()); break;
                case "--duration": options.DurationSeconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--rate": options.Rate = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--grace": options.GraceSeconds = Int(); break;
                case "--idle": options.Idle = Int(); break;
                case "--slow": options.Slow = Int(); break;
                case "--keys": options.Keys = Int(); break;
                case "--rss-bound": options.RssBoundMiB = Int(); break;
                case "--victim-nofile": options.VictimNofile = Int(); break;
                case "--victim-env":
                    string[] pair = Next().Split('=', 2);
                    options.VictimEnvironment[pair[0]] = pair.Length > 1 ? pair[1] : "";
                    break;
                case "--only": options.Only = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries)]; break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        return options;
    }
}

internal static class Program
{
    private const double LatencyBoundMs = 50;

    public static int Main(string[] args)
    {
        LoadOptions options;
        try
        {
            options = LoadOptions.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine($"P2PChat.Load: {e.Message}");
            return 2;
        }
        var attacks = new Dictionary<string, Func<System.Net.IPEndPoint, IAttack>>
        {
            ["baseline"] = _ => new NoAttack(),
            ["idle"] = victim => new IdleAttack(victim, options.Idle),
            ["slow"] = victim => new SlowHandshakeAttack(victim, options.Slow),
            ["flood"] = victim => new FloodAttack(victim, keyCount: 1),
            ["flood-keys"] = victim => new FloodAttack(victim, options.Keys),
        };
        string configHome = Directory.CreateTempSubdirectory("p2pchat-load-").FullName;
        var results = new List<ScenarioResult>();
        try
        {
            foreach (string name in options.Only)
            {
                if (!attacks.TryGetValue(name, out var make))
                {
                    Console.Error.WriteLine($"P2PChat.Load: unknown scenario {name}");
                    return 2;
                }
                Console.Error.WriteLine($"P2PChat.Load: {name}: {options.DurationSeconds:0} s ...");
                ScenarioResult result = new Scenario(options, configHome).Run(make);
                results.Add(result);
                PrintDetails(result, options);
            }
        }
        finally
        {
            Directory.Delete(configHome, recursive: true);
        }
        PrintTable(results, options);
        return 0;
    }

    private static string Ms(List<double> samples, double p) => samples.Count == 0 ? "-" : Stats.Percentile(samples, p).ToString("0.0", CultureInfo.InvariantCulture);

    private static List<string> Problems(ScenarioResult r, LoadOptions options)
    {
        var problems = new List<string>();
        if (r.VictimFate != "alive")
            problems.Add($"victim {r.VictimFate}");
        if (r.LatencyMs.Count(ms => ms > 1000) is > 0 and int late)
            problems.Add($"{late} late");
        if (r.Lost > 0)
            problems.Add($"{r.Lost} lost");
        if (r.Duplicates > 0)
            problems.Add($"{r.Duplicates} duplicated");
        if (r.LatencyMs.Count > 0 && Stats.Percentile(r.LatencyMs, 0.99) > LatencyBoundMs)
            problems.Add($"p99 > {LatencyBoundMs:0} ms");
        if (r.RssPeakKiB > options.RssBoundMiB * 1024L)
            problems.Add($"RSS > {options.RssBoundMiB} MiB");
        if (r.UserLinkEvents.Count > 0)
            problems.Add($"{r.UserLinkEvents.Count} notices at the users");
        return problems;
    }

    private static void PrintTable(List<ScenarioResult> results, LoadOptions options)
    {
        Console.WriteLine($"{options.DurationSeconds:0} s per attack, alice -> victim -> bob at {options.Rate:0} lines/s; latency from the write to alice's stdin to the read of bob's stdout (lost: not printed {options.GraceSeconds} s after the window); " +
                          $"bounds: p99 <= {LatencyBoundMs:0} ms, victim RSS <= {options.RssBoundMiB} MiB; CPU in % of one core over the window (others': every other process on the machine).");
        Console.WriteLine();
        Console.WriteLine("| attack | lines sent / late (> 1 s) / lost | p50 ms | p99 ms | max ms | victim RSS MiB idle / peak / after | victim CPU | alice / bob CPU | others' CPU | victim fds peak | joins ok (probe) | victim stderr lines | victim stdout lines | verdict |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (ScenarioResult r in results)
        {
            List<string> problems = Problems(r, options);
            string joins = r.Joins.Split(';')[0].Split(',')[0];
            Console.WriteLine(
                $"| {r.Attack} | {r.Sent} / {r.LatencyMs.Count(ms => ms > 1000)} / {r.Lost} | {Ms(r.LatencyMs, 0.5)} | {Ms(r.LatencyMs, 0.99)} | {Ms(r.LatencyMs, 1)} | " +
                $"{Stats.MiB(r.RssIdleKiB):0.0} / {Stats.MiB(r.RssPeakKiB):0.0} / {Stats.MiB(r.RssAfterKiB):0.0} | {r.VictimCpuPercent:0}% | " +
                $"{r.AliceCpuPercent:0}% / {r.BobCpuPercent:0}% | {r.OthersCpuPercent:0}% | {r.PeakFds} (limit {r.FdLimit}) | {joins} | {r.Notices.Sum(n => n.Count)} | {r.VictimLines:N0} | " +
                $"{(problems.Count == 0 ? "ok" : string.Join(", ", problems))} |");
        }
    }

    private static void PrintDetails(ScenarioResult r, LoadOptions options)
    {
        var e = Console.Error;
        List<string> problems = Problems(r, options);
        e.WriteLine($"  {r.Attack}: sent {r.Sent}, lost {r.Lost}, dup {r.Duplicates}; latency p50 {Ms(r.LatencyMs, 0.5)} ms, p99 {Ms(r.LatencyMs, 0.99)} ms, max {Ms(r.LatencyMs, 1)} ms; " +
                    $"victim {r.VictimFate}, RSS {Stats.MiB(r.RssIdleKiB):0.0} / {Stats.MiB(r.RssPeakKiB):0.0} / {Stats.MiB(r.RssAfterKiB):0.0} MiB, CPU {r.VictimCpuPercent:0}%, " +
                    $"fds peak {r.PeakFds} (limit {r.FdLimit}); alice CPU {r.AliceCpuPercent:0}%, bob {r.BobCpuPercent:0}%, harness {r.HarnessCpuPercent:0}%, other processes {r.OthersCpuPercent:0}%");
        e.WriteLine($"    verdict: {(problems.Count == 0 ? "ok" : string.Join(", ", problems))}");
        e.WriteLine($"    attack: {r.AttackSummary}");
        e.WriteLine($"    join probe: {r.Joins}");
        e.WriteLine($"    victim RSS MiB every 2 s from the window's start: {string.Join(' ', r.RssEverySecond.Where((_, i) => i % 2 == 0).Select(k => Stats.MiB(k).ToString("0", CultureInfo.InvariantCulture)))}");
        e.WriteLine($"    stdout lines: victim {r.VictimLines:N0} (of them alice's measured lines {r.VictimAliceLines:N0}), alice {r.AliceLines:N0}, bob {r.BobLines:N0}");
        e.WriteLine($"    victim stderr ({r.Notices.Sum(n => n.Count)} lines):");
        foreach ((string pattern, int count) in r.Notices.Take(12))
            e.WriteLine($"      {count,6} x {pattern}");
        e.WriteLine($"    alice/bob stderr during the window ({r.UserLinkEvents.Count}):");
        foreach (string line in r.UserLinkEvents.Take(20))
            e.WriteLine($"      {line}");
    }
}
