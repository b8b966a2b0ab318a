// A host under load turns away handshakes past its limits (NodeCore.Accept closes the connection at once), and a
// newcomer used to exit on the first one: in a lab of 300 starting together, a few did. A join that the host took and
// dropped before the handshake is tried again (ChatNode.JoinAttempts); anything else is told at once. Real sockets on
// loopback: a doorman in front of a real node drops the first connections it is given.
using System.Net;
using System.Net.Sockets;
using P2PChat.Net;

namespace P2PChat.Tests.Integration;

[ParallelLimiter<IntegrationParallelLimit>]
public class JoinRetryTests
{
    /// <summary>Accepts connections on a port of its own; drops the first <paramref name="drop"/> at once, and relays
    /// the rest to <paramref name="target"/> (none: drops them all).</summary>
    private sealed class Doorman(int drop, int target) : IDisposable
    {
        private readonly TcpListener _listener = Started();
        private readonly CancellationTokenSource _stop = new();

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Accepted;

        private static TcpListener Started()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return listener;
        }

        public void Run() => _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket client = await _listener.AcceptSocketAsync(_stop.Token);
                if (Interlocked.Increment(ref Accepted) <= drop || target == 0)
                {
                    client.Close();
                    continue;
                }
                var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await upstream.ConnectAsync(IPAddress.Loopback, target);
                _ = Pump(client, upstream);
                _ = Pump(upstream, client);
            }
        });

        private static async Task Pump(Socket from, Socket to)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                int n;
                while ((n = await from.ReceiveAsync(buffer)) > 0)
                    await to.SendAsync(buffer.AsMemory(0, n));
                to.Shutdown(SocketShutdown.Send);
            }
            catch (SocketException)
            {
                to.Close();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }

    [Test]
    public async Task A_join_the_host_dropped_before_the_handshake_is_tried_again_and_gets_in()
    {
        using TestNetwork network = TestNetwork.Start(2);
        using var doorman = new Doorman(drop: ChatNode.JoinAttempts - 1, network.Nodes[0].ListenEndPoint.Port);
        doorman.Run();

        PeerInfo peer = await network.Nodes[1].JoinAsync("127.0.0.1", doorman.Port).WaitAsync(TimeSpan.FromSeconds(10));

        await Assert.That(peer.Name).IsEqualTo("n0");
        await Assert.That(doorman.Accepted).IsEqualTo(ChatNode.JoinAttempts);
    }

    [Test]
    public async Task A_host_that_keeps_dropping_the_handshake_is_given_up_after_the_last_try_with_its_reason()
    {
        using TestNetwork network = TestNetwork.Start(1);
        using var doorman = new Doorman(drop: int.MaxValue, target: 0);
        doorman.Run();

        ChatNetworkException? error = null;
        try
        {
            await network.Nodes[0].JoinAsync("127.0.0.1", doorman.Port).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (ChatNetworkException e)
        {
            error = e;
        }

        await Assert.That(error).IsNotNull();
        await Assert.That(error!.Message).StartsWith($"cannot connect to 127.0.0.1 port {doorman.Port}:");
        await Assert.That(doorman.Accepted).IsEqualTo(ChatNode.JoinAttempts);
    }
}
