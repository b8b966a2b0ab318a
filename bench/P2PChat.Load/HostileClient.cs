// Loopback sockets for the attackers: a connection from one of 250 loopback source addresses (127.0.0.2-251, so tens
// of thousands of short connections never run out of ephemeral ports to one victim port), and the encrypted
// handshake as a client, played with the test suite's SecurePeer, up to the victim's HELLO.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using P2PChat.Net;
using P2PChat.Tests;

namespace P2PChat.Load;

internal static class HostileClient
{
    public static Socket NewSocket(int slot)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Bind(new IPEndPoint(new IPAddress([127, 0, 0, (byte)(2 + slot % 250)]), 0));
        return socket;
    }

    /// <summary>Connects and does the whole handshake as <paramref name="name"/>; returns once the victim's HELLO
    /// verified. Throws on a refusal, a close, or when <paramref name="cancel"/> fires.</summary>
    public static async Task<(Socket Socket, SecurePeer Session)> HandshakeAsync(IPEndPoint victim, NodeKeys keys, string name, int slot, CancellationToken cancel)
    {
        Socket socket = NewSocket(slot);
        try
        {
            await socket.ConnectAsync(victim, cancel);
            var session = new SecurePeer(keys, name);
            await SendAllAsync(socket, session.Start(), cancel);
            var buffer = new List<byte>();
            var chunk = new byte[16 * 1024];
            while (!session.Open)
            {
                int read = await socket.ReceiveAsync(chunk, SocketFlags.None, cancel);
                if (read == 0)
                    throw new IOException("the victim closed the connection during the handshake");
                buffer.AddRange(chunk.AsSpan(0, read));
                byte[] reply = session.Feed(buffer.ToArray(), out int consumed);
                buffer.RemoveRange(0, consumed);
                if (reply.Length > 0)
                    await SendAllAsync(socket, reply, cancel);
            }
            return (socket, session);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> bytes, CancellationToken cancel)
    {
        while (!bytes.IsEmpty)
        {
            int sent = await socket.SendAsync(bytes, SocketFlags.None, cancel);
            bytes = bytes[sent..];
        }
    }

    /// <summary>Reads and discards until the victim closes (0: EOF) or resets; returns how long after
    /// <paramref name="since"/> that was, in seconds. Throws OperationCanceledException at the end of the attack.</summary>
    public static async Task<double> UntilClosedAsync(Socket socket, long since, CancellationToken cancel)
    {
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, cancel) > 0)
            {
            }
        }
        catch (SocketException)
        {
            // reset: closed too
        }
        return Stopwatch.GetElapsedTime(since).TotalSeconds;
    }
}
