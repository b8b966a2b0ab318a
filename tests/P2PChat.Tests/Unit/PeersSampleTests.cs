// What a node hands on in PEERS besides its neighbours: a random sample of its book. In the book's order every frame
// carried the same oldest few, so a node knew little beyond two hops, and after half of 10,000 simulated nodes crashed a
// group whose two-hop neighbourhood had all died knew no live address outside itself. Only addresses of nodes that
// announced themselves travel: one a hostile member made up under an invented node id stops at its neighbours. One
// core on simulated time.
using System.Net;
using P2PChat.Net;
using P2PChat.Net.Crypto;

namespace P2PChat.Tests;

public class PeersSampleTests
{
    private const int Told = 120;

    private static IPEndPoint Address(int i) => new(IPAddress.Parse($"127.1.{i / 200}.{i % 200 + 1}"), 7000);

    /// <summary>For a minute alice, a neighbour, tells the core of <see cref="Told"/> addresses, under the node ids of
    /// members she announced first when <paramref name="announced"/>, else under node ids nobody announced (a frame's
    /// worth at once, then one new a second: her budget). Returns every address the core handed on to its neighbours (a
    /// refresh goes to one of them), the PEERS frames that took, and the size of the core's book at the end.</summary>
    private static async Task<(HashSet<IPEndPoint> HandedOn, int Frames, int Book)> Exchange(bool announced)
    {
        var bench = new DialBench(targetLinks: 0); // dials nobody: only the exchange is under test
        var alice = bench.Join(identity: 1, "alice", listenPort: 1001);
        var bob = bench.Join(identity: 2, "bob", listenPort: 1002);
        byte[] addresses;
        if (announced)
        {
            // Keys of their own (the bench's pool has 8): one key under several node ids would be one user restarting.
            NodeKeys[] members = [.. Enumerable.Range(0, Told).Select(i => new NodeKeys(
                IdentityKey.Generate(new SeededRandomSource(new Random(100 + i))), new SeededRandomSource(new Random(1000 + i))))];
            foreach ((NodeKeys keys, int i) in members.Select((k, i) => (k, i)))
                bench.Send(alice, SecurePeer.Announcement(keys, $"m{i}"));
            await Assert.That(bench.Core.Presence.Roster.OnlineCount).IsGreaterThanOrEqualTo(Told);
            addresses = [.. members.Select((k, i) => (k.NodeId, Address(i))).Chunk(Protocol.MaxPeersPerFrame).SelectMany(DialBench.Peers)];
        }
        else
            addresses = bench.Peers(Enumerable.Range(0, Told).Select(Address));
        long start = bench.Now;
        var tails = new[] { new List<byte>(), new List<byte>() };
        var handedOn = new HashSet<IPEndPoint>();
        int frames = 0;

        bench.Send(alice, addresses);
        bench.RunUntil(start + 60_000, everyTick: () =>
        {
            bench.Send(bob, DialBench.Ping); // alive, or the link closes for silence
            if ((bench.Now - start) % 1000 == 0)
                bench.Send(alice, addresses);
            foreach (byte[] frame in bench.FramesOf(alice, tails[0], FrameType.Peers).Concat(bench.FramesOf(bob, tails[1], FrameType.Peers)))
            {
                var entries = new List<(ulong Node, WireAddress Address)>();
                if (FrameReader.TryParsePeers(frame.AsSpan(Protocol.LengthPrefixSize), entries) is null)
                    handedOn.UnionWith(entries.Select(e => e.Address.ToEndPoint()));
                frames++;
            }
        });
        return (handedOn, frames, bench.Book.Count);
    }

    [Test]
    public async Task A_node_hands_on_addresses_from_its_whole_book_not_the_same_oldest_few_every_time()
    {
        (HashSet<IPEndPoint> handedOn, int frames, int book) = await Exchange(announced: true);

        await Assert.That(frames).IsGreaterThanOrEqualTo(10);
        await Assert.That(book).IsGreaterThan(80);
        // Each frame holds 32; the same oldest ones every time would make the union 32.
        await Assert.That(handedOn.Count).IsGreaterThan(2 * Protocol.MaxPeersPerFrame);
    }

    [Test]
    public async Task A_node_hands_on_no_address_under_a_node_id_nobody_announced()
    {
        (HashSet<IPEndPoint> handedOn, int frames, int book) = await Exchange(announced: false);

        await Assert.That(frames).IsGreaterThanOrEqualTo(10);
        await Assert.That(book).IsGreaterThan(80); // taken, as a neighbour's word (it may be dialled within the limits)
        await Assert.That(handedOn.Count(a => a.Port == 7000)).IsEqualTo(0); // only the neighbours' own
    }

    [Test]
    public async Task An_idle_node_refreshes_PEERS_to_one_neighbour_every_five_seconds_not_to_all()
    {
        var bench = new DialBench(targetLinks: 0);
        var neighbours = Enumerable.Range(1, 4).Select(i => bench.Join(identity: i, $"n{i}", listenPort: (ushort)(1000 + i))).ToList();
        var tails = neighbours.Select(_ => new List<byte>()).ToList();
        for (int i = 0; i < neighbours.Count; i++)
            bench.FramesOf(neighbours[i], tails[i]); // what the links' opening sent
        long start = bench.Now;
        int[] frames = new int[neighbours.Count];

        bench.RunUntil(start + 60_000, everyTick: () =>
        {
            for (int i = 0; i < neighbours.Count; i++)
            {
                bench.Send(neighbours[i], DialBench.Ping);
                frames[i] += bench.FramesSent(neighbours[i], tails[i], FrameType.Peers);
            }
        });

        // One every PeersRefreshMs in all (to all four, it was 48), spread over the neighbours.
        await Assert.That(frames.Sum()).IsBetween(11, 13);
        await Assert.That(frames.Count(f => f > 0)).IsGreaterThanOrEqualTo(2);
    }
}
