// The attacks of issue 10, each by a peer that completed the handshake with keys of its own (mallory) in the middle of
// a line n0 - n1 - n2: speaking under another user's origin, making a live user "leave" with a forged BYE, censoring a
// sender with a forged high sequence number, reading the wire, and joining a private room without its secret. Each
// must fail to do harm: the forged frame closes mallory's link, nobody shows or passes it on, and the honest users
// keep chatting.
using System.Net;
using System.Net.Sockets;
using System.Text;
using P2PChat.Net;
using P2PChat.Net.Crypto;

namespace P2PChat.Tests;

[ParallelLimiter<IntegrationParallelLimit>]
public class ImpersonationTests
{
    private const int Attacked = 1;

    private static async Task<(TestNetwork Network, RawPeer Mallory)> LineOfThreeWithMallory()
    {
        TestNetwork network = TestNetwork.Start(3);
        try
        {
            await network.ConnectAll([(1, 0), (2, 1)]);
            RawPeer mallory = await RawPeer.ConnectAsync(network.Nodes[Attacked].ListenEndPoint);
            await mallory.HandshakeAsync("mallory");
            await Eventually.WaitUntil(() => network.Sinks[Attacked].Joined.Contains("mallory"), TestNetwork.Deadline,
                "n1 to accept mallory's handshake", network.Sinks[Attacked].ToString);
            return (network, mallory);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    private static async Task AssertMalloryWasCutOff(TestNetwork network, RawPeer mallory)
    {
        (string end, _) = await mallory.ReadUntilClosedAsync(TestNetwork.Deadline);
        await Assert.That(end).IsIn(["EOF", "ConnectionReset"]);
        await Eventually.WaitUntil(() => network.Sinks[Attacked].Left.Any(l => l.StartsWith("mallory (protocol error") && l.Contains("signature")),
            TestNetwork.Deadline, "n1 to cut mallory off for a bad signature", network.Sinks[Attacked].ToString);
    }

    [Test]
    public async Task A_line_under_another_users_origin_is_shown_nowhere_and_cuts_the_forger_off()
    {
        (TestNetwork network, RawPeer mallory) = await LineOfThreeWithMallory();
        using TestNetwork _ = network;
        using RawPeer __ = mallory;
        NodeKeys forger = mallory.Session!.Keys;
        ulong victim = network.Nodes[0].NodeId;

        // Mallory's key, n0's origin and name: the key does not give that origin.
        byte[] forged = SecurePeer.ForgedLine(forger, victim, "n0", 1, "send me your password");
        await mallory.SendFramesAsync(forged);

        await AssertMalloryWasCutOff(network, mallory);
        await Assert.That(await network.EveryoneSaysOneMessage("after the forgery")).IsEmpty();
        foreach (RecordingSink sink in network.Sinks)
            await Assert.That(sink.Messages.Any(m => m.Contains("password"))).IsFalse().Because(sink.ToString());
    }

    [Test]
    public async Task A_forged_high_sequence_number_cannot_silence_the_real_sender()
    {
        (TestNetwork network, RawPeer mallory) = await LineOfThreeWithMallory();
        using TestNetwork _ = network;
        using RawPeer __ = mallory;
        ulong victim = network.Nodes[0].NodeId;

        // Were it believed, n0's lines 1..999,999 would all count as already seen everywhere.
        await mallory.SendFramesAsync(SecurePeer.ForgedLine(mallory.Session!.Keys, victim, "n0", 1_000_000, "x"));

        await AssertMalloryWasCutOff(network, mallory);
        for (int i = 1; i <= 3; i++)
            network.Nodes[0].Say($"still heard {i}", TestNetwork.Now);
        await Eventually.WaitUntil(() => Enumerable.Range(1, 3).All(i => network.Sinks[2].CountOf($"n0: still heard {i}") == 1),
            TestNetwork.Deadline, "n2 to get n0's next lines", network.Sinks[2].ToString);
    }

    [Test]
    public async Task A_forged_bye_cannot_make_a_live_user_leave()
    {
        (TestNetwork network, RawPeer mallory) = await LineOfThreeWithMallory();
        using TestNetwork _ = network;
        using RawPeer __ = mallory;
        await Eventually.WaitUntil(() => network.Sinks[2].Presence.Any(p => p is "+n0" or "~n0"), TestNetwork.Deadline,
            "n2 to count n0 as online", network.Sinks[2].ToString);

        await mallory.SendFramesAsync(SecurePeer.ForgedBye(mallory.Session!.Keys, network.Nodes[0].NodeId, "n0"));

        await AssertMalloryWasCutOff(network, mallory);
        await Assert.That(await network.EveryoneSaysOneMessage("after the forged bye")).IsEmpty();
        foreach (RecordingSink sink in network.Sinks)
            await Assert.That(sink.Presence.Any(p => p.StartsWith("-n0"))).IsFalse().Because(sink.ToString());
    }

    [Test]
    public async Task Nothing_said_crosses_the_wire_in_plaintext()
    {
        using TestNetwork network = TestNetwork.Start(2);
        using var tap = new WireTap(network.Nodes[0].ListenEndPoint.Port);
        await network.Nodes[1].JoinAsync("127.0.0.1", tap.Port).WaitAsync(TestNetwork.Deadline);
        await Eventually.WaitUntil(() => network.Nodes.All(n => n.DirectPeerCount == 1), TestNetwork.Deadline, "both ends to open the link");
        const string secret = "the combination is 31-47-12";
        network.Nodes[1].Say(secret, TestNetwork.Now);
        network.Nodes[0].Say(secret + " (reply)", TestNetwork.Now);
        await Eventually.WaitUntil(() => network.Sinks[0].CountOf($"n1: {secret}") == 1 && network.Sinks[1].CountOf($"n0: {secret} (reply)") == 1,
            TestNetwork.Deadline, "both lines to arrive through the tap", network.ToString);

        byte[] seen = tap.Captured();
        await Assert.That(seen.Length).IsGreaterThan(500).Because("the tap should have carried the handshake and both lines");
        // Needles of 4 bytes or more: random ciphertext holds a given 2-byte string (a name like "n1") now and then.
        foreach (string needle in new[] { "combination", "31-47", "P2PC" })
            await Assert.That(IndexOf(seen, Encoding.UTF8.GetBytes(needle))).IsEqualTo(-1)
                .Because($"'{needle}' should not appear in the {seen.Length} bytes on the wire");
    }

    [Test]
    public async Task A_peer_without_the_room_secret_cannot_join_and_both_sides_say_why()
    {
        using var network = new TestNetwork();
        network.Add(TestNetwork.DefaultOptions("inside"), NodeKeys.Generate(OsRandom.Instance, roomSecret: "lab-42"));
        network.Add(TestNetwork.DefaultOptions("outsider"), NodeKeys.Generate(OsRandom.Instance));
        network.Add(TestNetwork.DefaultOptions("guesser"), NodeKeys.Generate(OsRandom.Instance, roomSecret: "lab-43"));
        network.Add(TestNetwork.DefaultOptions("member"), NodeKeys.Generate(OsRandom.Instance, roomSecret: "lab-42"));
        int port = network.Nodes[0].ListenEndPoint.Port;

        foreach (int stranger in new[] { 1, 2 })
        {
            ChatNetworkException? refused = null;
            try
            {
                await network.Nodes[stranger].JoinAsync("127.0.0.1", port).WaitAsync(TestNetwork.Deadline);
            }
            catch (ChatNetworkException e)
            {
                refused = e;
            }
            await Assert.That(refused?.Message ?? "joined").Contains("room secret differs");
        }
        await Eventually.WaitUntil(() => network.Sinks[0].Notices.Any(n => n.Contains("room secret differs")), TestNetwork.Deadline,
            "the member to say why it refused", network.Sinks[0].ToString);

        await network.Nodes[3].JoinAsync("127.0.0.1", port).WaitAsync(TestNetwork.Deadline);
        network.Nodes[3].Say("inside the room", TestNetwork.Now);
        await Eventually.WaitUntil(() => network.Sinks[0].CountOf("member: inside the room") == 1, TestNetwork.Deadline,
            "a member with the secret to chat", network.Sinks[0].ToString);
        await Assert.That(network.Sinks[1].MessageCount + network.Sinks[2].MessageCount).IsEqualTo(0);
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);

    /// <summary>A TCP relay on loopback that forwards both ways and keeps a copy of every byte: a listener on the wire.</summary>
    private sealed class WireTap : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<byte> _captured = [];
        private readonly CancellationTokenSource _stop = new();

        public WireTap(int target)
        {
            _listener.Start();
            _ = Task.Run(async () =>
            {
                using TcpClient inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
                using var outbound = new TcpClient();
                await outbound.ConnectAsync(IPAddress.Loopback, target, _stop.Token);
                await Task.WhenAny(Pump(inbound.GetStream(), outbound.GetStream()), Pump(outbound.GetStream(), inbound.GetStream()));
            });
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public byte[] Captured()
        {
            lock (_captured)
                return [.. _captured];
        }

        private async Task Pump(NetworkStream from, NetworkStream to)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                int read;
                while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
                {
                    lock (_captured)
                        _captured.AddRange(buffer.AsSpan(0, read));
                    await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The test is over.
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }
    }
}
