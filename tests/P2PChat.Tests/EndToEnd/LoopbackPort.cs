// A TCP port on 127.0.0.1 that was free a moment ago (bound, read and released), for tests that must choose a
// port themselves: an address nobody listens on, or a peer restarted on the port it had.
using System.Net;
using System.Net.Sockets;

namespace P2PChat.Tests.EndToEnd;

internal static class LoopbackPort
{
    public static int Free()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
