// One measured run: a fresh victim (pipe mode, defaults: self-healing to 3 links), alice and bob joined through it
// with --links 1 (so their only path to each other is the victim, and a lost link is remade), a warm-up until bob
// prints alice's line, then the attack for the window while alice says a line every 1/rate s and a join probe tries
// a handshake every second. Afterwards the attack's sockets are closed and lines still on their way get a grace period.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using P2PChat.Bench;

namespace P2PChat.Load;

internal sealed record ScenarioResult(
    string Attack,
    int Sent,
    int Lost,
    int Duplicates,
    List<double> LatencyMs,
    long RssIdleKiB,
    long RssPeakKiB,
    long RssAfterKiB,
    double VictimCpuPercent,
    double AliceCpuPercent,
    double BobCpuPercent,
    double HarnessCpuPercent,
    double OthersCpuPercent,
    int PeakFds,
    string FdLimit,
    string Joins,
    List<(string Pattern, int Count)> Notices,
    long VictimLines,
    long VictimAliceLines,
    long AliceLines,
    long BobLines,
    List<string> UserLinkEvents,
    string VictimFate,
    string AttackSummary,
    List<long> RssEverySecond);

internal sealed partial class Scenario(LoadOptions options, string configHome)
{
    public ScenarioResult Run(Func<IPEndPoint, IAttack> makeAttack)
    {
        long victimLines = 0, victimAliceLines = 0, aliceLines = 0, bobLines = 0;
        int capacity = (int)(options.DurationSeconds * options.Rate) + 16;
        var sentTicks = new long[capacity];
        var receivedTicks = new long[capacity];
        int duplicates = 0;
        int warmups = 0;

        using var victim = new ChatPeer(options.Binary,
            ["victim", "--bind", "127.0.0.1", "--port", "0", "--identity", Path.Combine(configHome, "victim.id")],
            configHome, (line, _) =>
            {
                Interlocked.Increment(ref victimLines);
                if (line.StartsWith("alice: t"u8))
                    Interlocked.Increment(ref victimAliceLines);
            }, options.VictimNofile, options.VictimEnvironment);
        int port = WaitFor(() => victim.Port, p => p > 0, "the victim to listen", victim);
        var endPoint = new IPEndPoint(IPAddress.Loopback, port);
        string[] User(string name) =>
            [name, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--port", "0", "--links", "1",
             "--identity", Path.Combine(configHome, name + ".id")];
        using var alice = new ChatPeer(options.Binary, User("alice"), configHome, (_, _) => Interlocked.Increment(ref aliceLines));
        using var bob = new ChatPeer(options.Binary, User("bob"), configHome, (line, ticks) =>
        {
            Interlocked.Increment(ref bobLines);
            if (line.StartsWith("alice: w"u8))
            {
                Volatile.Write(ref warmups, 1);
            }
            else if (line.StartsWith("alice: t"u8) && int.TryParse(line[8..], NumberStyles.None, CultureInfo.InvariantCulture, out int seq)
                     && seq >= 0 && seq < receivedTicks.Length)
            {
                if (receivedTicks[seq] == 0)
                    receivedTicks[seq] = ticks;
                else
                    duplicates++;
            }
        });
        WaitFor(() => alice.StderrHas("joined through") && bob.StderrHas("joined through"), ok => ok, "alice and bob to join", victim);

        // Warm-up: alice speaks until bob hears her; then the network settles.
        long warmDeadline = Stopwatch.GetTimestamp() + 15 * Stopwatch.Frequency;
        for (int w = 0; Volatile.Read(ref warmups) == 0; w++)
        {
            if (Stopwatch.GetTimestamp() > warmDeadline)
                throw new InvalidOperationException("bob never printed alice's warm-up line\n" + Describe(victim, alice, bob));
            alice.Say(Encoding.ASCII.GetBytes($"w{w}\n"));
            Thread.Sleep(100);
        }
        Thread.Sleep(1000);

        IAttack attack = makeAttack(endPoint);
        attack.PrepareAsync().GetAwaiter().GetResult();
        GC.Collect();
        long rssIdle = ProcStats.RssKiB(victim.Pid);
        var sampler = new Sampler(victim.Pid);
        sampler.Start();
        double[] cpuStart = [ProcStats.CpuSeconds(victim.Pid), ProcStats.CpuSeconds(alice.Pid), ProcStats.CpuSeconds(bob.Pid), Sampler.HarnessCpuSeconds(), ProcStats.MachineSeconds().Processes];
        long windowStart = Stopwatch.GetTimestamp();
        int noticesBefore = victim.Stderr.Count;

        using var stop = new CancellationTokenSource();
        Task attackTask = Task.Run(() => attack.RunAsync(stop.Token));
        var probe = new JoinProbe(endPoint);
        Task probeTask = Task.Run(() => probe.RunAsync(stop.Token));

        // alice says "t<seq>" on an absolute schedule; bob's reader stamps each arrival.
        int sent = 0;
        double interval = Stopwatch.Frequency / options.Rate;
        for (; sent < capacity - 16; sent++)
        {
            long due = windowStart + (long)(sent * interval);
            long wait = due - Stopwatch.GetTimestamp();
            if (wait > 0)
                Thread.Sleep(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
            if (alice.HasExited)
                break;
            try
            {
                sentTicks[sent] = alice.Say(Encoding.ASCII.GetBytes($"t{sent}\n"));
            }
            catch (IOException)
            {
                break;
            }
        }
        double windowSeconds = Stopwatch.GetElapsedTime(windowStart).TotalSeconds;
        double[] cpuEnd = [ProcStats.CpuSeconds(victim.Pid), ProcStats.CpuSeconds(alice.Pid), ProcStats.CpuSeconds(bob.Pid), Sampler.HarnessCpuSeconds(), ProcStats.MachineSeconds().Processes];
        stop.Cancel();
        Task.WhenAll(attackTask, probeTask).Wait(TimeSpan.FromSeconds(15));

        // Grace: lines still on their way, then what the victim holds once the attack is gone.
        long graceEnd = Stopwatch.GetTimestamp() + options.GraceSeconds * Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < graceEnd && Enumerable.Range(0, sent).Any(i => Volatile.Read(ref receivedTicks[i]) == 0))
            Thread.Sleep(50);
        Thread.Sleep(TimeSpan.FromSeconds(Math.Max(0, (double)(graceEnd - Stopwatch.GetTimestamp()) / Stopwatch.Frequency)));
        sampler.Stop();
        long rssAfter = ProcStats.RssKiB(victim.Pid);
        string fdLimit = Sampler.FdLimit(victim.Pid);
        string fate = victim.HasExited ? $"exited with {victim.ExitCode}" : "alive";

        var latencies = new List<double>();
        int lost = 0;
        for (int i = 0; i < sent; i++)
        {
            if (receivedTicks[i] == 0)
                lost++;
            else
                latencies.Add(Stopwatch.GetElapsedTime(sentTicks[i], receivedTicks[i]).TotalMilliseconds);
        }

        // Where the worst lines fall in the window says more than their number: a start-up cost, a periodic stall, noise.
        string slowest = string.Join(", ", Enumerable.Range(0, sent).Where(i => receivedTicks[i] != 0)
            .OrderByDescending(i => receivedTicks[i] - sentTicks[i]).Take(5)
            .Select(i => $"t{i} at +{Stopwatch.GetElapsedTime(windowStart, sentTicks[i]).TotalSeconds:0.00} s: "
                + $"{Stopwatch.GetElapsedTime(sentTicks[i], receivedTicks[i]).TotalMilliseconds:0.0} ms"));
        Console.Error.WriteLine($"    slowest lines: {slowest}");

        var notices = victim.Stderr.Skip(noticesBefore)
            .GroupBy(entry => Numbers().Replace(entry.Line, "N"))
            .Select(group => (Pattern: group.Key, Count: group.Count()))
            .OrderByDescending(group => group.Count)
            .ToList();
        var linkEvents = alice.Stderr.Concat(bob.Stderr)
            .Where(entry => entry.Ticks >= windowStart)
            .Select(entry => $"+{Stopwatch.GetElapsedTime(windowStart, entry.Ticks).TotalSeconds:0.0} s {entry.Line}")
            .ToList();
        double Percent(int i) => 100 * (cpuEnd[i] - cpuStart[i]) / windowSeconds;

        return new ScenarioResult(attack.Name, sent, lost, duplicates, latencies, rssIdle, Math.Max(sampler.PeakRssKiB, rssIdle), rssAfter,
            Percent(0), Percent(1), Percent(2), Percent(3), Percent(4) - Percent(0) - Percent(1) - Percent(2) - Percent(3), sampler.PeakFds, fdLimit, probe.Summary(), notices,
            Interlocked.Read(ref victimLines), Interlocked.Read(ref victimAliceLines), Interlocked.Read(ref aliceLines), Interlocked.Read(ref bobLines),
            linkEvents, fate, attack.Summary(), sampler.RssEverySecond);
    }

    private static T WaitFor<T>(Func<T> read, Func<T, bool> done, string what, ChatPeer victim)
    {
        long deadline = Stopwatch.GetTimestamp() + 15 * Stopwatch.Frequency;
        while (true)
        {
            T value = read();
            if (done(value))
                return value;
            if (Stopwatch.GetTimestamp() > deadline)
                throw new InvalidOperationException($"timed out waiting for {what}\n" + Describe(victim));
            Thread.Sleep(20);
        }
    }

    private static string Describe(params ChatPeer[] peers) =>
        string.Concat(peers.Select(p => $"  {p.Name} stderr:\n" + string.Concat(p.Stderr.Select(e => $"    | {e.Line}\n"))));

    [GeneratedRegex(@"\d+(?:[.,]\d+)*")]
    private static partial Regex Numbers();
}
