// When a node asks a relay to stop relaying an origin (PRUNE): only once a duplicate has proved another path. A new
// line from a relay is never a reason, even from an origin the node also links to: lines said before that link
// opened come only by relays, and a relay that is behind would drop them on the PRUNE (a 300,000-line paste into a
// self-healed mesh of four lost 10-40% at two readers that way). One core on simulated time, real handshakes.
using P2PChat.Net;

namespace P2PChat.Tests;

public class PruneRuleTests
{
    /// <summary>The PRUNE frames the core sent <paramref name="peer"/> since the last call.</summary>
    private static int Prunes(DialBench bench, (SecurePeer Peer, int Link) peer, List<byte> tail) =>
        bench.FramesSent(peer, tail, FrameType.Prune);

    [Test]
    public async Task A_relay_bringing_new_lines_of_an_origin_we_also_link_to_is_not_pruned_until_it_brings_a_duplicate()
    {
        var bench = new DialBench(targetLinks: 0);
        var origin = bench.Join(1, "author", 5001);
        var relay = bench.Join(2, "relay", 5002);
        var tail = new List<byte>();
        Prunes(bench, relay, tail);
        byte[] Line(ulong seq) => SecurePeer.Line(origin.Peer.Keys, "author", seq, $"line {seq}", bench.Now);

        // Lines 1-3 come first by the relay (said before our direct link carried them): new, so no PRUNE.
        for (ulong seq = 1; seq <= 3; seq++)
            bench.Send(relay, Line(seq));
        await Assert.That(Prunes(bench, relay, tail)).IsEqualTo(0);

        // The origin's own copies are duplicates, but the origin is never pruned; then a relayed duplicate is.
        bench.Send(origin, Line(4));
        bench.Send(relay, Line(4));
        await Assert.That(Prunes(bench, relay, tail)).IsEqualTo(1);
        await Assert.That(bench.Core.Flooding.Duplicates).IsEqualTo(1);
    }
}
