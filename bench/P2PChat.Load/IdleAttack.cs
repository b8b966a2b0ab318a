// N idle TCP connections: each slot connects (ramped over the first 2 s) and sends nothing. When the victim closes a
// slot's connection (refused at its connection cap, or its handshake timed out) the slot waits 1 s and connects
// again, so the attacker keeps trying to hold N connections for the whole window, as a real one would.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace P2PChat.Load;

internal sealed class IdleAttack(IPEndPoint victim, int slots) : IAttack
{
    private readonly CloseTimes _closed = new();
    private long _connects;
    private long _connectErrors;
    private long _slowConnects;
    private long _open;
    private long _peakOpen;
    private string? _firstError;

    public string Name => $"{slots:N0} idle connections";

    public async Task RunAsync(CancellationToken stop)
    {
        var tasks = new Task[slots];
        for (int i = 0; i < slots; i++)
            tasks[i] = SlotAsync(i, stop);
        await Task.WhenAll(tasks);
    }

    private async Task SlotAsync(int slot, CancellationToken stop)
    {
        try
        {
            await Task.Delay(slot * 2000 / slots, stop);
            while (!stop.IsCancellationRequested)
            {
                using Socket socket = HostileClient.NewSocket(slot);
                long connecting = Stopwatch.GetTimestamp();
                try
                {
                    await socket.ConnectAsync(victim, stop);
                }
                catch (SocketException e)
                {
                    Interlocked.Increment(ref _connectErrors);
                    Interlocked.CompareExchange(ref _firstError, e.SocketErrorCode.ToString(), null);
                    await Task.Delay(1000, stop);
                    continue;
                }
                Interlocked.Increment(ref _connects);
                long started = Stopwatch.GetTimestamp();
                if (Stopwatch.GetElapsedTime(connecting, started).TotalSeconds >= 0.9)
                    Interlocked.Increment(ref _slowConnects); // a SYN dropped (the victim's accept queue was full) and sent again
                long open = Interlocked.Increment(ref _open);
                long peak;
                while (open > (peak = Interlocked.Read(ref _peakOpen)) && Interlocked.CompareExchange(ref _peakOpen, open, peak) != peak)
                {
                }
                try
                {
                    _closed.Add(await HostileClient.UntilClosedAsync(socket, started, stop));
                }
                finally
                {
                    Interlocked.Decrement(ref _open);
                }
                await Task.Delay(1000, stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public string Summary()
    {
        List<double> closed = _closed.Snapshot();
        List<double> atOnce = [.. closed.Where(s => s < 1)];
        List<double> timedOut = [.. closed.Where(s => s is >= 4.5 and < 7)];
        List<double> other = [.. closed.Where(s => s is >= 1 and (< 4.5 or >= 7))];
        string errors = _connectErrors == 0 ? "" : $"; connect errors {_connectErrors:N0} ({_firstError})";
        return $"connects {_connects:N0} ({_slowConnects:N0} took >= 0.9 s: SYN dropped and resent; peak {_peakOpen:N0} open at once); " +
               $"closed by the victim within 1 s of connecting {CloseTimes.Describe(atOnce)}; after 4.5-7 s (handshake timeout) {CloseTimes.Describe(timedOut)}; " +
               $"at other times {CloseTimes.Describe(other)}; open at end {Interlocked.Read(ref _open):N0}{errors}";
    }
}
