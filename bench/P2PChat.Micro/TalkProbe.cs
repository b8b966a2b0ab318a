// Times lines said while others are still on their way (the talking phase of a scale run): up to Slots lines in
// flight, each registered before it is said. Every node's sink reports each line it shows; the probe records the
// delay of each delivery and when the last expected node had the line. Allocation-free on the message path: a
// delivery scans the few lines in flight. A slot is reused only after its line reached everyone or was given up
// (TalkPhase.GiveUpAfter), so a delivery can land in a reused slot only after that long.
using System.Diagnostics;
using P2PChat.Net;

namespace P2PChat.Micro;

internal sealed class TalkProbe(int deliveryCapacity)
{
    public const int Slots = 256;

    private readonly ulong[] _origin = new ulong[Slots];
    private readonly ulong[] _seq = new ulong[Slots]; // 0: free (no line has sequence 0)
    private readonly long[] _saidAt = new long[Slots];
    private readonly int[] _received = new int[Slots];
    private readonly long[] _lastAt = new long[Slots];
    private readonly long[] _deliveryTicks = new long[deliveryCapacity];
    private readonly int[] _deliveryLine = new int[deliveryCapacity];
    private readonly int[] _line = new int[Slots];
    private int _deliveries;

    /// <summary>Deliveries recorded so far (at most the capacity given).</summary>
    public int Deliveries => Math.Min(Volatile.Read(ref _deliveries), _deliveryTicks.Length);

    /// <summary>The delay of delivery <paramref name="i"/>, in milliseconds.</summary>
    public double DeliveryMs(int i) => _deliveryTicks[i] * 1000.0 / Stopwatch.Frequency;

    /// <summary>The line (its number in the order said) that delivery <paramref name="i"/> was of.</summary>
    public int DeliveryLine(int i) => _deliveryLine[i];

    /// <summary>A free slot for <paramref name="id"/>, line number <paramref name="line"/> said at
    /// <paramref name="saidAt"/>; -1 if all are in flight.</summary>
    public int Register(MessageId id, int line, long saidAt)
    {
        for (int slot = 0; slot < Slots; slot++)
        {
            if (Volatile.Read(ref _seq[slot]) != 0)
                continue;
            _origin[slot] = id.Origin;
            _line[slot] = line;
            _saidAt[slot] = saidAt;
            _received[slot] = 0;
            _lastAt[slot] = 0;
            Volatile.Write(ref _seq[slot], id.Seq);
            return slot;
        }
        return -1;
    }

    public bool InUse(int slot) => Volatile.Read(ref _seq[slot]) != 0;

    public int Received(int slot) => Volatile.Read(ref _received[slot]);

    public long SaidAt(int slot) => _saidAt[slot];

    /// <summary>Milliseconds from the line's saying until the last delivery so far.</summary>
    public double LastMs(int slot) => (Volatile.Read(ref _lastAt[slot]) - _saidAt[slot]) * 1000.0 / Stopwatch.Frequency;

    public void Free(int slot) => Volatile.Write(ref _seq[slot], 0);

    public void OnMessage(MessageId id)
    {
        for (int slot = 0; slot < Slots; slot++)
        {
            if (Volatile.Read(ref _seq[slot]) != id.Seq || _origin[slot] != id.Origin)
                continue;
            long now = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref _received[slot]);
            long last;
            while ((last = Volatile.Read(ref _lastAt[slot])) < now && Interlocked.CompareExchange(ref _lastAt[slot], now, last) != last)
            {
            }
            int at = Interlocked.Increment(ref _deliveries) - 1;
            if (at < _deliveryTicks.Length)
            {
                _deliveryTicks[at] = now - _saidAt[slot];
                _deliveryLine[at] = _line[slot];
            }
            return;
        }
    }
}
