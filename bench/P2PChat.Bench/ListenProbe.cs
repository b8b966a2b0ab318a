// Finds out, without reading any program's output, when a peer is listening: poll-connect to its port until a
// connection is accepted. The probe connection is closed at once (both programs just see a peer that left).
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace P2PChat.Bench;

internal static class ListenProbe
{
    private const uint PollMicros = 100; // ~0.15 ms resolution on a start-up of ~1-15 ms, at little CPU cost

    /// <summary>Stopwatch time the first probe was accepted; throws when the peer exits or time runs out.</summary>
    public static long WaitUntilAccepting(Peer peer, TimeSpan timeout)
    {
        long start = Stopwatch.GetTimestamp();
        var endPoint = new IPEndPoint(IPAddress.Loopback, peer.Port);
        for (int attempt = 0; ; attempt++)
        {
            using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            {
                try
                {
                    socket.Connect(endPoint);
                    return Stopwatch.GetTimestamp();
                }
                catch (SocketException)
                {
                    // Refused: not listening yet.
                }
            }
            if (attempt % 64 == 63) // checking for exit costs more than a refused connect: not every time
            {
                if (peer.HasExited)
                    throw new BenchException($"{peer.Describe()} exited before listening on port {peer.Port}");
                if (Stopwatch.GetElapsedTime(start) > timeout)
                    throw new BenchException($"{peer.Describe()} not listening on port {peer.Port} after {timeout.TotalSeconds:0} s");
            }
            Pacer.SleepMicros(PollMicros);
        }
    }
}
