// Command line of the fuzz campaign runner: --cases N per target from --seed S, on every core, for one --target
// (frames, handshake, session) or all three in turn. Prints cases run, failures (each with its replay command),
// cases/s, the slowest case, the most one case allocated and the peak managed heap. A case running longer than
// --hang-ms is reported as a hang with its seed and the process exits.
using System.Diagnostics;
using P2PChat.Tests.Fuzz;

long cases = 10_000;
int start = 1;
long hangMs = 10_000;
long maxCaseAlloc = 512L << 20;
var targets = new List<FuzzTarget>();
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--cases": cases = long.Parse(args[++i]); break;
        case "--seed": start = int.Parse(args[++i]); break;
        case "--hang-ms": hangMs = long.Parse(args[++i]); break;
        case "--target": targets.Add(Enum.Parse<FuzzTarget>(args[++i], ignoreCase: true)); break;
        default:
            Console.Error.WriteLine("usage: P2PChat.Fuzz [--cases N] [--seed S] [--target frames|handshake|session] [--hang-ms MS]");
            return 2;
    }
}
if (targets.Count == 0)
    targets.AddRange(Enum.GetValues<FuzzTarget>());

int workers = Environment.ProcessorCount;
int failedTotal = 0;
foreach (FuzzTarget target in targets)
{
    var clock = Stopwatch.StartNew();
    long next = 0, done = 0, failed = 0, slowestTicks = 0, mostAlloc = 0, peakHeap = 0;
    int slowestSeed = 0, mostAllocSeed = 0;
    var running = new (int Seed, long Since)[workers];
    object gate = new();
    for (int w = 0; w < workers; w++)
        running[w] = (0, long.MaxValue);
    var threads = Enumerable.Range(0, workers).Select(w => new Thread(() =>
    {
        while (true)
        {
            long n = Interlocked.Increment(ref next) - 1;
            if (n >= cases)
                return;
            int seed = unchecked(start + (int)n);
            long before = GC.GetAllocatedBytesForCurrentThread();
            long began = Stopwatch.GetTimestamp();
            Volatile.Write(ref running[w].Since, began);
            running[w].Seed = seed;
            try
            {
                FuzzCases.Run(target, seed);
            }
            catch (FuzzFailure failure)
            {
                Interlocked.Increment(ref failed);
                lock (gate)
                    Console.WriteLine($"FAILED {failure.Report}");
            }
            long ticks = Stopwatch.GetTimestamp() - began;
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Volatile.Write(ref running[w].Since, long.MaxValue);
            lock (gate)
            {
                if (ticks > slowestTicks)
                    (slowestTicks, slowestSeed) = (ticks, seed);
                if (allocated > mostAlloc)
                    (mostAlloc, mostAllocSeed) = (allocated, seed);
            }
            if (allocated > maxCaseAlloc)
            {
                Interlocked.Increment(ref failed);
                lock (gate)
                    Console.WriteLine($"FAILED {target} seed {seed}: allocated {allocated >> 20} MiB in one case (bound {maxCaseAlloc >> 20} MiB)\n" +
                        $"  replay: dotnet run --project tools/fuzz -c Release -- --target {target.ToString().ToLowerInvariant()} --seed {seed} --cases 1");
            }
            Interlocked.Increment(ref done);
        }
    }) { IsBackground = true }).ToList();
    threads.ForEach(t => t.Start());
    long lastReport = 0;
    while (threads.Any(t => t.IsAlive))
    {
        Thread.Sleep(200);
        peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
        long now = Stopwatch.GetTimestamp();
        for (int w = 0; w < workers; w++)
        {
            long since = Volatile.Read(ref running[w].Since);
            if (since != long.MaxValue && Stopwatch.GetElapsedTime(since, now).TotalMilliseconds > hangMs)
            {
                Console.WriteLine($"HANG {target} seed {running[w].Seed}: still running after {hangMs} ms\n" +
                    $"  replay: dotnet run --project tools/fuzz -c Release -- --target {target.ToString().ToLowerInvariant()} --seed {running[w].Seed} --cases 1");
                return 3;
            }
        }
        if (clock.ElapsedMilliseconds - lastReport >= 10_000)
        {
            lastReport = clock.ElapsedMilliseconds;
            Console.WriteLine($"  {target}: {Interlocked.Read(ref done)} cases, {Interlocked.Read(ref failed)} failed, {done / clock.Elapsed.TotalSeconds:0} cases/s");
        }
    }
    double seconds = clock.Elapsed.TotalSeconds;
    Console.WriteLine($"{target}: {done} cases from seed {start}, {failed} failed, {seconds:0.0} s, {done / seconds:0} cases/s, " +
        $"slowest case {Stopwatch.GetElapsedTime(0, slowestTicks).TotalMilliseconds:0} ms (seed {slowestSeed}), " +
        $"most allocated by one case {mostAlloc / 1024.0 / 1024.0:0.0} MiB (seed {mostAllocSeed}), peak managed heap {peakHeap / 1024.0 / 1024.0:0} MiB");
    Console.WriteLine($"  outcomes: {FuzzStats.Take()}");
    failedTotal += (int)failed;
}
return failedTotal == 0 ? 0 : 1;
