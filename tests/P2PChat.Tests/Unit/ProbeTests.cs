// Probes at the target (Membership.Tick): a node with its links probes a known address of a member the roster declared
// gone (it may be on the far side of a split), not one of a member it never held. With the roster full, every member
// past its cap is unknown here, and probing those made links open and shed again and again (1,100 simulated nodes:
// 30 KB/s of control traffic per node). After losing a peer, a node probes any known address, fast enough to get past
// the dead ones. One core on simulated time, real handshakes.
using System.Net;
using P2PChat.Net;

namespace P2PChat.Tests;

public class ProbeTests
{
    private static readonly IPEndPoint Elsewhere = new(IPAddress.Parse("127.0.0.2"), 5002);

    /// <summary>A core at its target of one link, told by its peer where the member <paramref name="other"/> listens.</summary>
    private static (DialBench Bench, (SecurePeer Peer, int Link) Peer) AtTarget(NodeKeys other)
    {
        var bench = new DialBench(targetLinks: 1);
        var peer = bench.Join(1, "peer", 5001);
        bench.Send(peer, DialBench.Peers([(other.NodeId, Elsewhere)]));
        return (bench, peer);
    }

    /// <summary>A core with a target of 3 and <paramref name="links"/> links, told of <paramref name="known"/> other
    /// addresses (127.0.0.10 on, port 6000), that has just lost the last link it made: unsettled, probing. Returns the links
    /// left, the addresses and when the loss was.</summary>
    private static (DialBench Bench, List<(SecurePeer Peer, int Link)> Left, IPEndPoint[] Others, long Lost) LostOne(int links, int known)
    {
        var bench = new DialBench(targetLinks: 3);
        var peers = Enumerable.Range(1, links).Select(i => bench.Join(i, $"peer{i}", (ushort)(5000 + i))).ToList();
        IPEndPoint[] others = [.. Enumerable.Range(10, known).Select(i => new IPEndPoint(IPAddress.Parse($"127.0.0.{i}"), 6000))];
        bench.Send(peers[0], bench.Peers(others));
        bench.Lose(peers[^1].Link);
        return (bench, peers[..^1], others, bench.Now);
    }

    [Test]
    public async Task A_node_at_its_target_does_not_probe_a_member_it_never_held_in_its_roster()
    {
        NodeKeys other = new DialBench().Keys(2);
        (DialBench bench, var peer) = AtTarget(other);

        bench.RunUntil(bench.Now + 20_000, everyTick: () => bench.Send(peer, DialBench.Ping));

        await Assert.That(bench.Book.Knows(Elsewhere)).IsTrue();
        await Assert.That(bench.Dials.Count(d => d.To.Equals(Elsewhere))).IsEqualTo(0);
    }

    [Test]
    public async Task A_node_at_its_target_probes_a_member_its_roster_declared_gone()
    {
        NodeKeys other = new DialBench().Keys(2);
        (DialBench bench, var peer) = AtTarget(other);
        bench.Send(peer, SecurePeer.Announcement(other, "other")); // announced every second, then never again
        long start = bench.Now;

        bench.RunUntil(start + 20_000, everyTick: () => bench.Send(peer, DialBench.Ping));

        // Gone once its lease of three intervals and a second ran out (4 s), probed on a probe tick (every 2 s) after.
        List<long> probes = bench.Dials.Where(d => d.To.Equals(Elsewhere)).Select(d => d.At - start).ToList();
        await Assert.That(probes.Count).IsGreaterThanOrEqualTo(1);
        await Assert.That(probes[0]).IsLessThanOrEqualTo(8_000);
    }

    [Test]
    public async Task A_node_with_many_links_that_loses_one_probes_other_addresses_until_two_of_those_probes_have_linked()
    {
        // Five links left after losing one: over the target (3) and the extra two that probes may add, which once
        // counted all links; survivors of a mass crash linked among themselves never probed past the dead.
        (DialBench bench, var left, _, long lost) = LostOne(links: 6, known: 5);

        bench.RunUntil(bench.Now + 20_000,
            dialled: (link, to) => bench.Answer(link, bench.Keys(7), "other", (ushort)to.Port),
            everyTick: () => left.ForEach(p => bench.Send(p, DialBench.Ping)));

        // Each answered (the lost peer's address is a candidate too); then no more.
        await Assert.That(bench.Dials.Count(d => d.At > lost)).IsEqualTo(Membership.ExtraProbeLinks);
    }

    [Test]
    public async Task A_node_that_lost_a_peer_tries_dead_addresses_fast_enough_to_reach_a_live_one_among_twenty()
    {
        // At its target after the loss, knowing 20 addresses of which only the last answers (10,000 simulated nodes,
        // half crashed: four survivors linked only to each other tried 6 dead addresses each in 30 s, and stayed cut off).
        (DialBench bench, var left, IPEndPoint[] others, long lost) = LostOne(links: 4, known: 20);
        IPEndPoint live = others[^1];

        bench.RunUntil(lost + Membership.UnsettledMs,
            dialled: (link, to) =>
            {
                if (to.Equals(live))
                    bench.Answer(link, bench.Keys(7), "other", (ushort)to.Port);
                else
                    bench.Refuse(link);
            },
            everyTick: () => left.ForEach(p => bench.Send(p, DialBench.Ping)));

        // Dialled within the 30 s of probing (at one probe every 2 s it was not: 15 tries, 19 dead addresses before it).
        await Assert.That(bench.Dials.Count(d => d.To.Equals(live))).IsGreaterThanOrEqualTo(1);
    }
}
