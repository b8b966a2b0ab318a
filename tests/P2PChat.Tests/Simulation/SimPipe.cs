// One direction of a simulated TCP connection: the segments in flight from one socket to the other, delivered in
// order (a later byte never overtakes an earlier one, whatever the jitter) at random byte boundaries. Owns the
// flow-control window: bytes sent but not yet read by the receiving application count against it, so a reader that
// stops (SIGSTOP) makes the sender's own queue grow, as a full socket buffer does. A partition stalls the pipe:
// segments wait (TCP retransmits) and flow again, in order, one latency after the cut heals.
namespace P2PChat.Tests.Simulation;

internal sealed class SimPipe(SimNetwork net, SimSocket from, SimSocket to, int window)
{
    private readonly Queue<SimSegment> _segments = new();
    private long _lastArrival;
    private long _resumeAt;
    private bool _scheduled;
    private bool _stalled;
    private bool _sentRst;

    public SimSocket From => from;
    public SimSocket To => to;

    /// <summary>Bytes transmitted and not yet read by the receiving application.</summary>
    public int InFlight { get; set; }

    /// <summary>How many more bytes the window takes now.</summary>
    public int Room => Math.Max(0, window - InFlight);

    private bool _ackPending;

    /// <summary>The receiving application read <paramref name="bytes"/>: the window opens. The sender hears of it one
    /// latency later, and only needs to when it has bytes waiting (else its next send just finds the room).</summary>
    public void Acknowledge(int bytes)
    {
        InFlight -= bytes;
        if (_ackPending || from.Queued == 0 && !from.DrainRequested)
            return;
        _ackPending = true;
        net.Events.At(net.Now + net.OneWayDelay(to.Host, from.Host), () =>
        {
            _ackPending = false;
            if (from.Pump())
                from.Host.Complete(from);
        });
    }

    /// <summary>Puts <paramref name="bytes"/> on the wire, whole half of the time, else cut into 2 or 3 segments at random boundaries.</summary>
    public void Transmit(ReadOnlySpan<byte> bytes)
    {
        InFlight += bytes.Length;
        int pieces = bytes.Length < 2 || net.Random.Next(2) == 0 ? 1 : 2 + net.Random.Next(2);
        int at = 0;
        for (int i = 0; i < pieces && at < bytes.Length; i++)
        {
            int length = i == pieces - 1 ? bytes.Length - at : 1 + net.Random.Next(bytes.Length - at);
            Enqueue(SimSegmentKind.Data, bytes.Slice(at, length).ToArray());
            at += length;
        }
    }

    public void SendFin() => Enqueue(SimSegmentKind.Fin, null);

    public void SendSynAck() => Enqueue(SimSegmentKind.SynAck, null);

    /// <summary>Sends a RST once: after it the connection is gone for both sides.</summary>
    public void SendRst()
    {
        if (_sentRst)
            return;
        _sentRst = true;
        Enqueue(SimSegmentKind.Rst, null);
    }

    private void Enqueue(SimSegmentKind kind, byte[]? data)
    {
        long arrival = Math.Max(_lastArrival, net.Now + net.OneWayDelay(from.Host, to.Host));
        _lastArrival = arrival;
        _segments.Enqueue(new SimSegment(kind, data, arrival));
        Schedule();
    }

    private void Schedule()
    {
        if (_scheduled || _stalled || _segments.Count == 0)
            return;
        _scheduled = true;
        net.Events.At(Math.Max(_segments.Peek().Arrival, _resumeAt), Deliver);
    }

    private void Deliver()
    {
        _scheduled = false;
        if (net.IsCut(from.Host, to.Host))
        {
            _stalled = true;
            net.Stalled(this);
            return;
        }
        to.Arrive(_segments.Dequeue());
        Schedule();
    }

    /// <summary>The cut healed: the waiting segments are retransmitted, in order.</summary>
    public void Unstall()
    {
        if (!_stalled)
            return;
        _stalled = false;
        _resumeAt = net.Now + net.OneWayDelay(from.Host, to.Host);
        Schedule();
    }
}
