// A hand-driven TCP client for attacking a node: sends exactly the bytes a test gives (garbage, a lying length), or
// does the encrypted handshake (SecurePeer) and then sends the frames a test gives (floods of CHAT frames, forged
// ones, malformed ones) sealed into records, and reads what comes back, or until the node closes the link.
using System.Net;
using System.Net.Sockets;
using System.Text;
using P2PChat.Net;

namespace P2PChat.Tests;

internal sealed class RawPeer : IDisposable
{
    private readonly Socket _socket;

    private RawPeer(Socket socket) => _socket = socket;

    public static async Task<RawPeer> ConnectAsync(IPEndPoint endPoint, int? receiveBufferSize = null, IPAddress? from = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (from is not null)
            socket.Bind(new IPEndPoint(from, 0)); // another loopback address: another machine, as far as the node can tell
        if (receiveBufferSize is { } size)
            socket.ReceiveBufferSize = size; // before connecting, so the advertised window is small from the start
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, endPoint.Port)).WaitAsync(TestNetwork.Deadline);
        return new RawPeer(socket);
    }

    /// <summary>After HandshakeAsync: the encrypted session, and the bytes read past the node's HELLO.</summary>
    public SecurePeer? Session { get; private set; }

    private byte[] _leftover = [];

    /// <summary>Does the encrypted handshake as <paramref name="name"/> (with fresh keys unless given) and returns once
    /// the node's HELLO has arrived.</summary>
    public async Task<SecurePeer> HandshakeAsync(string name, NodeKeys? keys = null, string? roomSecret = null)
    {
        var session = new SecurePeer(keys ?? NodeKeys.Generate(P2PChat.Net.Crypto.OsRandom.Instance, roomSecret), name);
        await SendAsync(session.Start());
        var buffer = new List<byte>();
        var chunk = new byte[16 * 1024];
        using var deadline = new CancellationTokenSource(TestNetwork.Deadline);
        while (!session.Open)
        {
            int read = await _socket.ReceiveAsync(chunk, SocketFlags.None, deadline.Token);
            if (read == 0)
                throw new InvalidOperationException($"the node closed the link during the handshake (alert {session.Alert})");
            buffer.AddRange(chunk.AsSpan(0, read));
            byte[] reply = session.Feed(buffer.ToArray(), out int consumed);
            buffer.RemoveRange(0, consumed);
            await SendAsync(reply);
        }
        _leftover = [.. buffer];
        Session = session;
        return session;
    }

    /// <summary>Bytes the handshake read past the node's HELLO (the start of what followed it).</summary>
    public byte[] TakeLeftover()
    {
        byte[] leftover = _leftover;
        _leftover = [];
        return leftover;
    }

    /// <summary>Seals whole frames into records (as many as they need) and sends them.</summary>
    public async Task SendFramesAsync(params byte[][] frames)
    {
        var record = new List<byte>();
        foreach (byte[] frame in frames)
        {
            if (record.Count + frame.Length > Protocol.MaxRecordPlaintext)
            {
                await SendAsync(Session!.Seal(record.ToArray()));
                record.Clear();
            }
            record.AddRange(frame);
        }
        if (record.Count > 0)
            await SendAsync(Session!.Seal(record.ToArray()));
    }

    /// <summary>A HELLO frame (unsigned: only ever sent where no HELLO is allowed).</summary>
    public static byte[] Hello(string name)
    {
        byte[] nameUtf8 = Encoding.UTF8.GetBytes(name);
        var frame = new byte[FrameWriter.HelloSize(nameUtf8)];
        FrameWriter.WriteHello(frame, new byte[Protocol.KeySize], 1, 1, nameUtf8);
        return frame;
    }

    /// <summary>A CHAT signed by <paramref name="author"/>, with whatever text (valid or not) the test gives.</summary>
    public static byte[] Chat(NodeKeys author, ulong seq, string name, byte[] text) => SecurePeer.Line(author, name, seq, text, TestNetwork.Now);

    public async Task SendAsync(byte[] bytes)
    {
        int sent = 0;
        while (sent < bytes.Length)
            sent += await _socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
    }

    /// <summary>Reads what has arrived, at most <paramref name="buffer"/>'s length; 0 once the node closed the link.</summary>
    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancel) =>
        _socket.ReceiveAsync(buffer, SocketFlags.None, cancel);

    /// <summary>Reads and discards until the node closes the link; returns how it ended ("EOF" or the socket error)
    /// and the bytes read. Throws TimeoutException if the link is still open at the deadline.</summary>
    public async Task<(string End, long BytesRead)> ReadUntilClosedAsync(TimeSpan timeout)
    {
        var buffer = new byte[64 * 1024];
        long total = 0;
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                int read = await _socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
                if (read == 0)
                    return ("EOF", total);
                total += read;
            }
        }
        catch (SocketException e)
        {
            return (e.SocketErrorCode.ToString(), total);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the node kept the raw link open for {timeout.TotalMilliseconds:0} ms ({total} bytes read)");
        }
    }

    public void Dispose() => _socket.Dispose();
}
