// A protocol-speaking TCP client linked to a running p2pchat process (a RawPeer after the HELLO handshake): sends
// the frames a test gives, keeps the link alive with PING, and reads and counts (by type) everything the node sends.
using System.Buffers.Binary;
using System.Net;
using P2PChat.Net;

namespace P2PChat.Tests.EndToEnd;

internal sealed class RawLink : IAsyncDisposable
{
    private static readonly byte[] PingFrame = [0, 0, 0, 1, (byte)FrameType.Ping];
    private static readonly TimeSpan PingEvery = TimeSpan.FromSeconds(1); // a link silent for 3 s is closed

    private readonly RawPeer _peer;
    private readonly SemaphoreSlim _sending = new(1, 1); // one frame sequence on the socket at a time
    private readonly CancellationTokenSource _stop = new();
    private readonly long[] _framesByType = new long[256]; // Interlocked: frames received per type byte
    private Task _reader = Task.CompletedTask;
    private Task _pinger = Task.CompletedTask;

    private RawLink(RawPeer peer) => _peer = peer;

    /// <summary>How the read side ended: null while the link is open, "EOF" or the error once the node closed it.</summary>
    public string? Ended { get; private set; }

    /// <summary>Connects to 127.0.0.1 <paramref name="port"/>, sends a HELLO as <paramref name="name"/>, and returns once
    /// the node's HELLO has arrived; from then on it reads and pings in the background.</summary>
    public static async Task<RawLink> ConnectAsync(int port, ulong node, string name)
    {
        RawPeer peer = await RawPeer.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        var link = new RawLink(peer);
        try
        {
            await peer.SendAsync(RawPeer.Hello(node, name));
            byte[] pending = await link.ReadHelloAsync();
            link._reader = Task.Run(() => link.ReadAsync(pending));
            link._pinger = Task.Run(link.PingAsync);
            return link;
        }
        catch
        {
            await link.DisposeAsync();
            throw;
        }
    }

    /// <summary>Frames of <paramref name="type"/> received since the handshake.</summary>
    public long Received(FrameType type) => Interlocked.Read(ref _framesByType[(int)type]);

    public async Task SendAsync(byte[] frames)
    {
        await _sending.WaitAsync();
        try
        {
            await _peer.SendAsync(frames);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>Reads until a whole first frame arrived and checks it is a HELLO; returns the bytes read after it.</summary>
    private async Task<byte[]> ReadHelloAsync()
    {
        var buffer = new List<byte>();
        var chunk = new byte[4096];
        using var deadline = new CancellationTokenSource(Wait.Default);
        while (buffer.Count < 4 || buffer.Count < 4 + BinaryPrimitives.ReadUInt32BigEndian([.. buffer.Take(4)]))
        {
            int read = await _peer.ReceiveAsync(chunk, deadline.Token);
            if (read == 0)
                throw new InvalidOperationException($"the node closed the raw link before its HELLO ({buffer.Count} bytes came)");
            buffer.AddRange(chunk.AsSpan(0, read));
        }
        int length = (int)BinaryPrimitives.ReadUInt32BigEndian([.. buffer.Take(4)]);
        if (buffer[4] != (byte)FrameType.Hello)
            throw new InvalidOperationException($"the node's first frame was type {buffer[4]}, not HELLO ({(byte)FrameType.Hello})");
        return [.. buffer.Skip(4 + length)];
    }

    /// <summary>Reads and discards frames, counting them by type, until the node closes the link or we stop.</summary>
    private async Task ReadAsync(byte[] pending)
    {
        var buffer = new byte[256 * 1024];
        pending.CopyTo(buffer, 0);
        int filled = pending.Length;
        try
        {
            while (true)
            {
                int start = 0;
                while (filled - start >= 5)
                {
                    int length = (int)BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(start));
                    if (length < 1 || length > Protocol.MaxFrameBody)
                        throw new InvalidOperationException($"the node sent a frame of length {length}");
                    if (filled - start < 4 + length)
                        break;
                    Interlocked.Increment(ref _framesByType[buffer[start + 4]]);
                    start += 4 + length;
                }
                buffer.AsSpan(start, filled - start).CopyTo(buffer);
                filled -= start;
                int read = await _peer.ReceiveAsync(buffer.AsMemory(filled), _stop.Token);
                if (read == 0)
                {
                    Ended = "EOF";
                    return;
                }
                filled += read;
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException)
        {
            Ended = e.Message;
        }
    }

    private async Task PingAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(PingEvery, _stop.Token); // the heartbeat's period, not a wait for anything
                await SendAsync(PingFrame);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            // Disposed, or the node closed the link (Ended says how).
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _peer.Dispose();
        try
        {
            await Task.WhenAll(_reader, _pinger).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // A loop stuck on the closed socket: nothing more to collect from it.
        }
        _stop.Dispose();
        _sending.Dispose();
    }
}
