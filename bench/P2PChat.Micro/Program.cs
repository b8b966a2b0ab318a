// Entry point: with no mode, the BenchmarkDotNet suite (its own command line: --filter, --job, ...); `--alloc` the
// process-wide allocation count of the forwarding path; `--scale` the many-node loopback run; `--crypto` the link
// crypto's speed. bench/micro.sh runs each.
using BenchmarkDotNet.Running;
using P2PChat.Micro;

return args switch
{
    ["--alloc", .. var rest] => AllocationRun.Run(rest),
    ["--scale", .. var rest] => ScaleRun.Run(rest),
    ["--crypto"] => CryptoRun.Run(),
    _ => RunSuite(args),
};

static int RunSuite(string[] args)
{
    var summaries = BenchmarkSwitcher.FromAssembly(typeof(CountingSink).Assembly).Run(args);
    return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
}
