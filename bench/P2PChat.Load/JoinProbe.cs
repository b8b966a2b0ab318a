// Can a newcomer still join the victim while it is attacked? Once a second, a fresh identity connects from 127.0.0.1
// and does the whole encrypted handshake (5 s at most), then hangs up. Counts successes and the handshake times.
using System.Diagnostics;
using System.Net;
using P2PChat.Net;

namespace P2PChat.Load;

internal sealed class JoinProbe(IPEndPoint victim)
{
    private readonly List<double> _ms = [];
    private readonly Dictionary<string, int> _failures = [];
    private int _tries;

    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                long next = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
                NodeKeys keys = NodeKeys.Generate(P2PChat.Net.Crypto.OsRandom.Instance);
                _tries++;
                long started = Stopwatch.GetTimestamp();
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
                deadline.CancelAfter(TimeSpan.FromSeconds(5));
                try
                {
                    (System.Net.Sockets.Socket socket, _) = await HostileClient.HandshakeAsync(victim, keys, "probe", slot: 249, deadline.Token);
                    _ms.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    socket.Dispose();
                }
                catch (Exception e)
                {
                    if (stop.IsCancellationRequested)
                    {
                        _tries--; // cut short by the end of the window: not a result
                        break;
                    }
                    string why = e is OperationCanceledException ? "no HELLO within 5 s" : e.Message;
                    _failures[why] = _failures.GetValueOrDefault(why) + 1;
                }
                TimeSpan wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait, stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public string Summary()
    {
        if (_tries == 0)
            return "-";
        string times = _ms.Count == 0 ? "" : $", p50 {P2PChat.Bench.Stats.Percentile(_ms, 0.5):0} ms, max {_ms.Max():0} ms";
        string failures = string.Concat(_failures.Select(f => $"; {f.Value} x {f.Key}"));
        return $"{_ms.Count}/{_tries}{times}{failures}";
    }
}
