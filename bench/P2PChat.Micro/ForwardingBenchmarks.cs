// The forwarding path over real loopback sockets: a line of three nodes (TargetLinks 0, so it stays a line); node 0
// says MessagesPerInvoke messages and the invocation ends when node 2's sink has them all. So every message is
// encoded and sent by node 0, received, filtered, logged and forwarded by node 1, and received and filtered by
// node 2. One operation is one message. MemoryDiagnoser counts allocations of the whole process (BenchmarkDotNet
// reads GC.GetTotalAllocatedBytes on .NET 6 and later), so socket threads are included, and so are the nodes'
// timers (a few small arrays per tick, not per message); --alloc (AllocationRun) separates the two.
using BenchmarkDotNet.Attributes;

namespace P2PChat.Micro;

[MemoryDiagnoser]
[InvocationCount(4, 1)]
public class ForwardingBenchmarks
{
    public const int MessagesPerInvoke = 10_000;

    private ForwardingLine? _line;

    [GlobalSetup]
    public void Setup() => _line = ForwardingLine.Start();

    [GlobalCleanup]
    public void Cleanup() => _line?.Dispose();

    [Benchmark(OperationsPerInvoke = MessagesPerInvoke)]
    public ulong Line_of_three_node0_to_node2()
    {
        _line!.Send(MessagesPerInvoke);
        return _line.Last.LastSeq;
    }
}
