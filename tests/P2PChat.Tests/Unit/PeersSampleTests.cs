// What a node hands on in PEERS besides its neighbours: a random sample of its book. In the book's order every frame
// carried the same oldest few, so a node knew little beyond two hops, and after half of 10,000 simulated nodes crashed a
// group whose two-hop neighbourhood had all died knew no live address outside itself. One core on simulated time.
using System.Net;
using P2PChat.Net;

namespace P2PChat.Tests;

public class PeersSampleTests
{
    [Test]
    public async Task A_node_hands_on_addresses_from_its_whole_book_not_the_same_oldest_few_every_time()
    {
        var bench = new DialBench(targetLinks: 0); // dials nobody: only the exchange is under test
        var alice = bench.Join(identity: 1, "alice", listenPort: 1001);
        var bob = bench.Join(identity: 2, "bob", listenPort: 1002);
        // A frame's worth of addresses at once, then one a second (the budget of a link): ~90 in the book after 60 s.
        byte[] addresses = bench.Peers(Enumerable.Range(0, 320).Select(i => new IPEndPoint(IPAddress.Parse($"127.1.{i / 200}.{i % 200 + 1}"), 7000)));
        long start = bench.Now;
        var tail = new List<byte>();
        var handedOn = new HashSet<IPEndPoint>();
        int frames = 0;

        bench.Send(alice, addresses);
        bench.RunUntil(start + 60_000, everyTick: () =>
        {
            bench.Send(bob, DialBench.Ping); // alive, or the link closes for silence
            if ((bench.Now - start) % 1000 == 0)
                bench.Send(alice, addresses);
            foreach (byte[] frame in bench.FramesOf(bob, tail, FrameType.Peers))
            {
                var entries = new List<(ulong Node, IPEndPoint EndPoint)>();
                FrameReader.TryParsePeers(frame.AsSpan(Protocol.LengthPrefixSize), entries);
                handedOn.UnionWith(entries.Select(e => e.EndPoint));
                frames++;
            }
        });

        int book = bench.Book.Count;
        await Assert.That(frames).IsGreaterThanOrEqualTo(10);
        await Assert.That(book).IsGreaterThan(80);
        // Each frame holds 32; the same oldest ones every time would make the union 32.
        await Assert.That(handedOn.Count).IsGreaterThan(2 * Protocol.MaxPeersPerFrame);
    }
}
