// Times one message on its way to every node of a scale run: armed with the id the sender is about to use, it
// records when each node's sink first sees that id and signals when all expected nodes have. Allocation-free on the
// message path; one node's OnMessage calls are serialised, so each node writes only its own slot.
using System.Diagnostics;
using P2PChat.Net;

namespace P2PChat.Micro;

internal sealed class DeliveryProbe(int nodes)
{
    private readonly long[] _arrivals = new long[nodes];
    private readonly ManualResetEventSlim _all = new(false);
    private ulong _origin;
    private ulong _seq; // 0 while disarmed: no message has sequence 0
    private int _received;
    private int _expected;

    /// <summary>Stopwatch timestamp at which node i saw the armed message; 0 if it has not.</summary>
    public long ArrivalAt(int node) => Volatile.Read(ref _arrivals[node]);

    public int Received => Volatile.Read(ref _received);

    /// <summary>Arms the probe for <paramref name="id"/>, to be seen by <paramref name="expected"/> nodes.</summary>
    public void Arm(MessageId id, int expected)
    {
        Volatile.Write(ref _seq, 0);
        Array.Clear(_arrivals);
        _all.Reset();
        _received = 0;
        _expected = expected;
        _origin = id.Origin;
        Volatile.Write(ref _seq, id.Seq);
    }

    public bool Wait(TimeSpan timeout) => _all.Wait(timeout);

    public void OnMessage(int node, MessageId id)
    {
        if (id.Seq != Volatile.Read(ref _seq) || id.Origin != _origin || _arrivals[node] != 0)
            return;
        Volatile.Write(ref _arrivals[node], Stopwatch.GetTimestamp());
        if (Interlocked.Increment(ref _received) == _expected)
            _all.Set();
    }
}
