// Hands out listening ports for peers. They come from 20000-32000, below Linux's ephemeral range (32768+ by
// default), so an outgoing connection's source port can never be holding one we are about to give a peer; each
// is checked free on all interfaces (p2pchat listens dual-stack on [::]) and never handed out twice in a run.
using System.Net;
using System.Net.Sockets;

namespace P2PChat.Bench;

internal static class PortAllocator
{
    private const int First = 20000, Last = 32000;
    private static int _next = First + Random.Shared.Next(Last - First); // another harness run may hold ports nearby

    public static int Next()
    {
        for (int tries = 0; tries < Last - First; tries++)
        {
            int port = _next;
            _next = _next == Last ? First : _next + 1;
            if (IsFree(port))
                return port;
        }
        throw new BenchException($"no free port in {First}-{Last}");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
            probe.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
