// History sync: a newcomer joins a node whose 1,000-message log is full and asks for all of it (History 1000). An
// invocation joins Newcomers newcomers, each to its own old node (so no newcomer is told about the ones before it),
// and waits until each newcomer's sink has every replayed message; one operation is one replayed message, so the
// totals per newcomer are 1,000 times the table's. The old nodes are made and filled, and everything disposed,
// outside the measurement (IterationSetup/IterationCleanup).
using BenchmarkDotNet.Attributes;
using P2PChat.Net;

namespace P2PChat.Micro;

[MemoryDiagnoser]
[InvocationCount(1, 1)]
public class HistorySyncBenchmarks
{
    private const int LogSize = MessageLog.DefaultCapacity;
    private const int Newcomers = 32;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private LoopbackNetwork _old = new();
    private LoopbackNetwork _new = new();
    private readonly CountingSink[] _sinks = new CountingSink[Newcomers];

    [IterationSetup]
    public void Setup()
    {
        _old = new LoopbackNetwork();
        _new = new LoopbackNetwork();
        for (int n = 0; n < Newcomers; n++)
        {
            ChatNode old = _old.Add(LoopbackNetwork.Options($"old{n}", targetLinks: 0) with { LogCapacity = LogSize }, new CountingSink());
            for (int i = 0; i < LogSize; i++)
                old.Say($"message {i} of the history a newcomer is about to receive", 1_700_000_000_000 + i);
            _sinks[n] = new CountingSink();
            _sinks[n].Expect(LogSize);
        }
    }

    [IterationCleanup]
    public void Cleanup()
    {
        _new.Dispose();
        _old.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Newcomers * LogSize)]
    public long Newcomer_receives_a_full_log()
    {
        long replayed = 0;
        for (int n = 0; n < Newcomers; n++)
        {
            NodeOptions options = LoopbackNetwork.Options($"new{n}", targetLinks: 0) with { History = LogSize, LogCapacity = LogSize };
            ChatNode newcomer = _new.Add(options, _sinks[n]);
            newcomer.JoinAsync("127.0.0.1", _old.Nodes[n].ListenEndPoint.Port).GetAwaiter().GetResult();
            if (!_sinks[n].Wait(Deadline))
                throw new TimeoutException($"newcomer {n} received {_sinks[n].Count} of {LogSize} messages within {Deadline.TotalSeconds} s");
            replayed += _sinks[n].HistoryCount;
        }
        return replayed;
    }
}
