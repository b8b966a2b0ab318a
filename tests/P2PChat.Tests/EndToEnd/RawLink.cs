// A protocol-speaking TCP client linked to a running p2pchat process (a RawPeer after the encrypted handshake): sends
// the frames a test gives (sealed into records), keeps the link alive with PING, and reads, opens and counts (by
// type) every frame the node sends.
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

    /// <summary>Connects to 127.0.0.1 <paramref name="port"/>, does the handshake as <paramref name="name"/>, and returns
    /// once the node's HELLO has arrived; from then on it reads and pings in the background.</summary>
    public static async Task<RawLink> ConnectAsync(int port, string name)
    {
        RawPeer peer = await RawPeer.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        var link = new RawLink(peer);
        try
        {
            await peer.HandshakeAsync(name);
            byte[] pending = peer.TakeLeftover();
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
            await _peer.SendFramesAsync(SplitFrames(frames));
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>The whole frames in <paramref name="frames"/>, one array each (so they can be packed into records).</summary>
    private static byte[][] SplitFrames(byte[] frames)
    {
        var list = new List<byte[]>();
        for (int at = 0; at < frames.Length;)
        {
            int size = Protocol.LengthPrefixSize + (int)BinaryPrimitives.ReadUInt32BigEndian(frames.AsSpan(at));
            list.Add(frames[at..(at + size)]);
            at += size;
        }
        return [.. list];
    }

    /// <summary>Reads and discards frames, counting them by type, until the node closes the link or we stop.</summary>
    private async Task ReadAsync(byte[] pending)
    {
        var buffer = new byte[256 * 1024];
        pending.CopyTo(buffer, 0);
        int filled = pending.Length;
        var frames = new List<byte[]>();
        try
        {
            while (true)
            {
                frames.Clear();
                _peer.Session!.Feed(buffer.AsSpan(0, filled), out int consumed, frames);
                foreach (byte[] frame in frames)
                    Interlocked.Increment(ref _framesByType[frame[Protocol.LengthPrefixSize]]);
                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
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
