// A hand-driven TCP client for attacking a node: sends exactly the bytes a test gives (garbage, a lying length,
// a valid HELLO, floods of CHAT frames) and reads what comes back, or until the node closes the link.
using System.Net;
using System.Net.Sockets;
using System.Text;
using P2PChat.Net;

namespace P2PChat.Tests;

internal sealed class RawPeer : IDisposable
{
    private readonly Socket _socket;

    private RawPeer(Socket socket) => _socket = socket;

    public static async Task<RawPeer> ConnectAsync(IPEndPoint endPoint, int? receiveBufferSize = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (receiveBufferSize is { } size)
            socket.ReceiveBufferSize = size; // before connecting, so the advertised window is small from the start
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, endPoint.Port)).WaitAsync(TestNetwork.Deadline);
        return new RawPeer(socket);
    }

    public static byte[] Hello(ulong node, string name)
    {
        byte[] nameUtf8 = Encoding.UTF8.GetBytes(name);
        var frame = new byte[FrameWriter.HelloSize(nameUtf8)];
        FrameWriter.WriteHello(frame, node, 1, nameUtf8);
        return frame;
    }

    public static byte[] Chat(ulong node, ulong seq, string name, byte[] text)
    {
        byte[] nameUtf8 = Encoding.UTF8.GetBytes(name);
        var frame = new byte[FrameWriter.ChatSize(nameUtf8, text)];
        FrameWriter.WriteChat(frame, new MessageId(node, seq), TestNetwork.Now, nameUtf8, text);
        return frame;
    }

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
