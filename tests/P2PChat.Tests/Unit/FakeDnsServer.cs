// A DNS server on a loopback UDP port for DnsClient's tests: answers A and AAAA questions from a table (with a CNAME
// where one is given), NXDOMAIN for any other name, or nothing at all when silent. Answers use a compression pointer
// to the question, as real servers do. Written from RFC 1035 section 4, apart from DnsMessage.
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using P2PChat.Net;

namespace P2PChat.Tests.Unit;

internal sealed class FakeDnsServer : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <summary>Name (lower case) to its addresses, or to another name (a CNAME).</summary>
    public ConcurrentDictionary<string, object> Records { get; } = new();

    /// <summary>Questions asked, as "name TYPE".</summary>
    public ConcurrentQueue<string> Asked { get; } = new();

    public bool Silent { get; init; }

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public FakeDnsServer()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _loop = Task.Run(ServeAsync);
    }

    private async Task ServeAsync()
    {
        byte[] query = new byte[512];
        byte[] answer = new byte[512];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult got;
            try
            {
                got = await _socket.ReceiveFromAsync(query, SocketFlags.None, from, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            int at = 12;
            if (!DnsMessage.ReadName(query.AsSpan(0, got.ReceivedBytes), ref at, out string name))
                continue;
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(at));
            Asked.Enqueue($"{name} {(type == DnsMessage.TypeA ? "A" : type == DnsMessage.TypeAaaa ? "AAAA" : type.ToString())}");
            if (Silent)
                continue;
            int length = Answer(query.AsSpan(0, at + 4), name.ToLowerInvariant(), type, answer);
            await _socket.SendToAsync(answer.AsMemory(0, length), SocketFlags.None, got.RemoteEndPoint);
        }
    }

    private int Answer(ReadOnlySpan<byte> question, string name, ushort type, Span<byte> answer)
    {
        question.CopyTo(answer);
        bool exists = Records.ContainsKey(name);
        BinaryPrimitives.WriteUInt16BigEndian(answer[2..], (ushort)(0x8180 | (exists ? 0 : 3))); // QR RD RA, NXDOMAIN
        int at = question.Length, count = 0;
        ushort owner = 0xC00C; // a pointer to the question's name
        for (int hop = 0; hop < 8 && Records.TryGetValue(name, out object? record); hop++)
        {
            if (record is string target)
            {
                at = Write(answer, at, owner, DnsMessage.TypeCname, Label(target));
                owner = (ushort)(0xC000 | (at - Label(target).Length));
                name = target;
                count++;
                continue;
            }
            foreach (IPAddress address in (IPAddress[])record)
                if (address.AddressFamily == (type == DnsMessage.TypeA ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6) && type is DnsMessage.TypeA or DnsMessage.TypeAaaa)
                {
                    at = Write(answer, at, owner, type, address.GetAddressBytes());
                    count++;
                }
            break;
        }
        BinaryPrimitives.WriteUInt16BigEndian(answer[6..], (ushort)count);
        return at;
    }

    private static int Write(Span<byte> answer, int at, ushort owner, ushort type, byte[] data)
    {
        BinaryPrimitives.WriteUInt16BigEndian(answer[at..], owner);
        BinaryPrimitives.WriteUInt16BigEndian(answer[(at + 2)..], type);
        BinaryPrimitives.WriteUInt16BigEndian(answer[(at + 4)..], 1);
        BinaryPrimitives.WriteUInt32BigEndian(answer[(at + 6)..], 60);
        BinaryPrimitives.WriteUInt16BigEndian(answer[(at + 10)..], (ushort)data.Length);
        data.CopyTo(answer[(at + 12)..]);
        return at + 12 + data.Length;
    }

    /// <summary>A name in wire form, uncompressed.</summary>
    public static byte[] Label(string name)
    {
        var bytes = new List<byte>();
        foreach (string label in name.Split('.'))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
        }
        bytes.Add(0);
        return [.. bytes];
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _loop.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
