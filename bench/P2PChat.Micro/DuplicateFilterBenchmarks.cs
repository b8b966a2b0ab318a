// Duplicate suppression (DuplicateFilter.TryAccept) in the shapes flooding produces: one sender in order, 16
// senders interleaved, and 16 senders whose every message arrives three times (a mesh node with three links: the
// first copy new, the other two on slower paths 5 and 17 messages behind). One operation is one message (so the
// duplicates case is three TryAccept calls per operation). The filter is kept across invocations, as a node keeps
// it: sequence numbers only grow, which is the steady state. Also the SYNC summary over 256 origins.
using BenchmarkDotNet.Attributes;
using P2PChat.Net;

namespace P2PChat.Micro;

[MemoryDiagnoser]
public class DuplicateFilterBenchmarks
{
    private const int Messages = 4096;
    private const int Senders = 16;

    /// <summary>How far the second and third copy of a message lag behind the first, in messages of its sender.</summary>
    private const ulong SecondPathLag = 5;
    private const ulong ThirdPathLag = 17;

    private readonly DuplicateFilter _one = new();
    private readonly DuplicateFilter _sixteen = new();
    private readonly DuplicateFilter _copies = new();
    private readonly DuplicateFilter _summarised = new();
    private ulong _oneSeq;
    private readonly ulong[] _sixteenSeq = new ulong[Senders];
    private readonly ulong[] _copiesSeq = new ulong[Senders];

    private static ulong Origin(int sender) => 0x9e37_79b9_7f4a_7c15UL * (ulong)(sender + 1);

    [GlobalSetup]
    public void Setup()
    {
        // Let the lagging paths have something behind them from the first operation on.
        for (int s = 0; s < Senders; s++)
            for (ulong seq = 1; seq <= ThirdPathLag; seq++)
                _copies.TryAccept(new MessageId(Origin(s), _copiesSeq[s] = seq));
        // 256 origins, heard from in turn, each a few messages in.
        for (int round = 1; round <= 4; round++)
            for (int s = 0; s < Protocol.MaxSyncOrigins; s++)
                _summarised.TryAccept(new MessageId(Origin(s), (ulong)round));
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public int OneSender_in_order()
    {
        int accepted = 0;
        for (int i = 0; i < Messages; i++)
            if (_one.TryAccept(new MessageId(Origin(0), ++_oneSeq)))
                accepted++;
        return accepted;
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public int Sixteen_senders_interleaved()
    {
        int accepted = 0;
        for (int i = 0; i < Messages; i++)
        {
            int s = i % Senders;
            if (_sixteen.TryAccept(new MessageId(Origin(s), ++_sixteenSeq[s])))
                accepted++;
        }
        return accepted;
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public int Sixteen_senders_each_message_three_times()
    {
        int accepted = 0;
        for (int i = 0; i < Messages; i++)
        {
            int s = i % Senders;
            ulong origin = Origin(s);
            ulong seq = ++_copiesSeq[s];
            if (_copies.TryAccept(new MessageId(origin, seq)))
                accepted++;
            if (_copies.TryAccept(new MessageId(origin, seq - SecondPathLag)))
                accepted++;
            if (_copies.TryAccept(new MessageId(origin, seq - ThirdPathLag)))
                accepted++;
        }
        return accepted;
    }

    [Benchmark]
    public int Summary_of_256_origins()
    {
        _summarised.Summary(Protocol.MaxSyncOrigins, _summary);
        return _summary.Count;
    }

    private readonly List<(ulong Origin, ulong Contiguous)> _summary = [];
}
