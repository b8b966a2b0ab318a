// The static build's DNS resolver, as Go's pure resolver does it: the servers, search domains and timeouts of
// /etc/resolv.conf (ResolvConf), A and AAAA asked at once over UDP, each server in turn for each attempt. It exists
// because a static glibc cannot be trusted to look names up where nsswitch.conf names a module (HostResolver); it
// loads nothing. Answers are matched by a random id from getrandom and the question, from the address asked.
using System.Net;
using System.Net.Sockets;
using P2PChat.Net.Crypto;

namespace P2PChat.Net;

internal sealed class DnsClient(ResolvConf conf, int port = 53)
{
    /// <summary>The addresses of <paramref name="host"/>, IPv4 first. Throws ChatNetworkException saying why not.</summary>
    public async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancel)
    {
        if (!DnsMessage.IsValidName(host.TrimEnd('.')))
            throw new ChatNetworkException($"cannot resolve host '{host}': not a valid DNS name");
        bool anyAnswer = false;
        foreach (string name in conf.Candidates(host))
        {
            if (!DnsMessage.IsValidName(name))
                continue;
            List<IPAddress>? found = await AskAsync(name, cancel).ConfigureAwait(false);
            if (found is null)
                continue;
            anyAnswer = true;
            if (found.Count > 0)
                return [.. found];
        }
        string servers = string.Join(", ", conf.Servers);
        throw new ChatNetworkException(anyAnswer
            ? $"cannot resolve host '{host}': no such name (asked {servers})"
            : $"cannot resolve host '{host}': no DNS server answered (asked {servers}, from /etc/resolv.conf)");
    }

    /// <summary>The addresses the first server to answer gives <paramref name="name"/> (maybe none: the name does not
    /// exist or has no address); null when no server answered.</summary>
    private async Task<List<IPAddress>?> AskAsync(string name, CancellationToken cancel)
    {
        for (int attempt = 0; attempt < conf.Attempts; attempt++)
            foreach (IPAddress server in conf.Servers)
            {
                Task<(DnsMessage.Outcome, List<IPAddress>)> v4 = QueryAsync(server, name, DnsMessage.TypeA, cancel);
                Task<(DnsMessage.Outcome, List<IPAddress>)> v6 = QueryAsync(server, name, DnsMessage.TypeAaaa, cancel);
                (DnsMessage.Outcome outcome4, List<IPAddress> a) = await v4.ConfigureAwait(false);
                (DnsMessage.Outcome outcome6, List<IPAddress> aaaa) = await v6.ConfigureAwait(false);
                if (Answered(outcome4) || Answered(outcome6))
                    return [.. a, .. aaaa];
            }
        return null;
    }

    private static bool Answered(DnsMessage.Outcome outcome) =>
        outcome is DnsMessage.Outcome.Answer or DnsMessage.Outcome.NoSuchName or DnsMessage.Outcome.Truncated;

    /// <summary>One question to one server: the outcome of its answer, or ServerFailure when none came in time.</summary>
    private async Task<(DnsMessage.Outcome, List<IPAddress>)> QueryAsync(IPAddress server, string name, ushort type, CancellationToken cancel)
    {
        var addresses = new List<IPAddress>();
        byte[] buffer = new byte[DnsMessage.MaxUdpSize];
        OsRandom.Instance.Fill(buffer.AsSpan(0, 2));
        ushort id = (ushort)(buffer[0] << 8 | buffer[1]);
        int length = DnsMessage.WriteQuery(buffer, id, name, type);
        using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(conf.Timeout);
        try
        {
            // Connected: the kernel drops datagrams from anywhere else, and an ICMP "port unreachable" ends the wait.
            await socket.ConnectAsync(new IPEndPoint(server, port), timeout.Token).ConfigureAwait(false);
            await socket.SendAsync(buffer.AsMemory(0, length), SocketFlags.None, timeout.Token).ConfigureAwait(false);
            while (true)
            {
                int received = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                DnsMessage.Outcome outcome = DnsMessage.ReadAnswer(buffer.AsSpan(0, received), id, name, type, addresses);
                if (outcome != DnsMessage.Outcome.NotOurs)
                    return (outcome, addresses);
            }
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return (DnsMessage.Outcome.ServerFailure, addresses);
        }
        catch (SocketException)
        {
            return (DnsMessage.Outcome.ServerFailure, addresses);
        }
    }
}
