// N slow handshakes, kept up for the whole window: half the slots send a real Noise message 1 one byte every 250 ms
// (34 bytes: 8.5 s, longer than the 5 s handshake deadline, and never 3 s silent), the other half send message 1 whole,
// read message 2, and then say nothing. Each must be closed by the victim about 5 s after it connected; a slot whose
// connection is closed connects again at once.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using P2PChat.Net;
using P2PChat.Tests;

namespace P2PChat.Load;

internal sealed class SlowHandshakeAttack(IPEndPoint victim, int slots) : IAttack
{
    private readonly CloseTimes _dripClosed = new();
    private readonly CloseTimes _stallClosed = new();
    private NodeKeys? _keys;
    private long _connects;
    private long _completed;
    private long _open;
    private long _connectErrors;

    public string Name => $"{slots} slow handshakes";

    public Task PrepareAsync()
    {
        _keys = NodeKeys.Generate(P2PChat.Net.Crypto.OsRandom.Instance);
        return Task.CompletedTask;
    }

    public async Task RunAsync(CancellationToken stop)
    {
        var tasks = new Task[slots];
        for (int i = 0; i < slots; i++)
            tasks[i] = SlotAsync(i, drip: i % 2 == 0, stop);
        await Task.WhenAll(tasks);
    }

    private async Task SlotAsync(int slot, bool drip, CancellationToken stop)
    {
        try
        {
            await Task.Delay(slot * 1000 / slots, stop);
            while (!stop.IsCancellationRequested)
            {
                using Socket socket = HostileClient.NewSocket(slot);
                try
                {
                    await socket.ConnectAsync(victim, stop);
                }
                catch (SocketException)
                {
                    Interlocked.Increment(ref _connectErrors);
                    await Task.Delay(1000, stop);
                    continue;
                }
                long started = Stopwatch.GetTimestamp();
                Interlocked.Increment(ref _connects);
                Interlocked.Increment(ref _open);
                try
                {
                    byte[] message1 = new SecurePeer(_keys!, "slow").Start();
                    Task<double> closed = HostileClient.UntilClosedAsync(socket, started, stop);
                    if (drip)
                    {
                        foreach (byte b in message1)
                        {
                            if (closed.IsCompleted)
                                break;
                            try
                            {
                                await socket.SendAsync(new[] { b }, SocketFlags.None, stop);
                            }
                            catch (SocketException)
                            {
                                break; // reset by the victim: closed says when
                            }
                            await Task.WhenAny(closed, Task.Delay(250, stop));
                        }
                        if (!closed.IsCompleted)
                            Interlocked.Increment(ref _completed); // all 34 bytes went before the victim gave up
                    }
                    else
                    {
                        await HostileClient.SendAllAsync(socket, message1, stop);
                    }
                    (drip ? _dripClosed : _stallClosed).Add(await closed);
                }
                catch (SocketException)
                {
                }
                finally
                {
                    Interlocked.Decrement(ref _open);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public string Summary()
    {
        string errors = _connectErrors == 0 ? "" : $"; connect errors {_connectErrors:N0}";
        return $"connects {_connects:N0}; byte-by-byte closed by victim after {CloseTimes.Describe(_dripClosed.Snapshot())}" +
               $" (message 1 finished before the close: {_completed}); message-1-then-silence closed after " +
               $"{CloseTimes.Describe(_stallClosed.Snapshot())}; open at end {Interlocked.Read(ref _open)}{errors}";
    }
}
