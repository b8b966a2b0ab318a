// What a member can make a node dial: addresses only from peers whose HELLO verified, few new ones per peer per second,
// few ports per host, dials to unverified addresses from a small token bucket, dead ones backed off and forgotten;
// while self-healing through learned addresses stays as fast as before and the user's own joins are never held back.
// One NodeCore on simulated time (DialBench): no sockets, no sleeps.
using System.Net;
using P2PChat.Net;

namespace P2PChat.Tests;

public class DialLimitTests
{
    private static readonly IPAddress Victim = new([10, 9, 9, 9]);

    private static IEnumerable<IPEndPoint> VictimPorts(int count) =>
        Enumerable.Range(1, count).Select(port => new IPEndPoint(Victim, port));

    private static IEnumerable<IPEndPoint> Hosts(int count, int port = 7000) =>
        Enumerable.Range(0, count).Select(i => new IPEndPoint(new IPAddress([10, 8, (byte)(i / 250), (byte)(i % 250 + 1)]), port));

    [Test]
    public async Task A_PEERS_frame_from_a_link_whose_HELLO_never_came_teaches_no_address()
    {
        var bench = new DialBench();
        var stranger = bench.Join(identity: 3, "stranger", listenPort: 1003, sendsHello: false);

        bench.Send(stranger, bench.Peers(Hosts(10)));
        bench.RunUntil(bench.Now + 5000, (link, _) => bench.Refuse(link));

        await Assert.That(bench.Fuzz.Effects.Closed.ContainsKey(stranger.Link)).IsTrue();
        await Assert.That(bench.Book.Count).IsEqualTo(0);
        await Assert.That(bench.Dials.Count).IsEqualTo(0);
    }

    [Test]
    public async Task A_hostile_PEERS_of_a_thousand_ports_and_a_thousand_hosts_makes_at_most_the_bucket_of_dials()
    {
        const int seconds = 60;
        var bench = new DialBench();
        var mallory = bench.Join(identity: 3, "mallory", listenPort: 1003);
        byte[] hostile = bench.Peers(VictimPorts(1000).Concat(Hosts(1000)));
        long start = bench.Now;
        int mostVictimEntries = 0;

        bench.Send(mallory, hostile);
        int afterVolley = bench.Book.Count;
        bench.RunUntil(start + seconds * 1000, (link, _) => bench.Refuse(link), () =>
        {
            if ((bench.Now - start) % 1000 == 0)
                bench.Send(mallory, hostile); // again every second (it also keeps mallory's link alive)
            mostVictimEntries = Math.Max(mostVictimEntries, bench.Book.Entries.Count(e => e.EndPoint.Address.Equals(Victim)));
        });

        int dials = bench.Dials.Count;
        int victimPorts = bench.Dials.Where(d => d.To.Address.Equals(Victim)).Select(d => d.To.Port).Distinct().Count();
        long bound = Membership.DialBurst + seconds * 1000 / Membership.DialIntervalMs;
        // One frame's worth of new addresses at once (plus mallory's own, learned from its HELLO).
        await Assert.That(afterVolley).IsEqualTo(1 + Membership.NewAddressesBurst);
        await Assert.That(dials).IsLessThanOrEqualTo((int)bound).Because($"{dials} dials in {seconds} s");
        await Assert.That(dials).IsGreaterThanOrEqualTo((int)bound - 2).Because("the bucket is used, not starved");
        await Assert.That(victimPorts).IsLessThanOrEqualTo(AddressBook.MaxUnverifiedPortsPerHost);
        await Assert.That(mostVictimEntries).IsLessThanOrEqualTo(AddressBook.MaxUnverifiedPortsPerHost);
    }

    [Test]
    public async Task One_peer_adds_a_frame_of_new_addresses_at_once_and_then_one_a_second()
    {
        var bench = new DialBench(targetLinks: 0);
        var mallory = bench.Join(identity: 3, "mallory", listenPort: 1003);
        byte[] hostile = bench.Peers(Hosts(320));
        long start = bench.Now;

        bench.Send(mallory, hostile);
        int atOnce = bench.Book.Count;
        bench.RunUntil(start + 10_000, everyTick: () =>
        {
            if ((bench.Now - start) % 1000 == 0)
                bench.Send(mallory, hostile);
        });

        await Assert.That(atOnce).IsEqualTo(1 + Membership.NewAddressesBurst);
        await Assert.That(bench.Book.Count).IsEqualTo(1 + Membership.NewAddressesBurst + 10);
    }

    [Test]
    public async Task A_node_that_lost_its_links_heals_through_three_learned_addresses_within_a_second()
    {
        var bench = new DialBench(targetLinks: 3);
        var alice = bench.Join(identity: 1, "alice", listenPort: 1001);
        NodeKeys[] keys = [bench.Keys(2), bench.Keys(3), bench.Keys(4)];
        IPEndPoint[] at = [.. Hosts(3)];
        bench.Send(alice, DialBench.Peers(keys.Select((k, i) => (k.NodeId, at[i]))));

        bench.Lose(alice.Link);
        long lost = bench.Now;
        long healed = -1;
        bench.RunUntil(lost + 3000, (link, to) =>
        {
            int i = Array.IndexOf(at, to);
            if (i < 0)
                bench.Refuse(link); // alice's own address: she is gone
            else
                bench.Answer(link, keys[i], $"peer{i}", 7000);
        }, () =>
        {
            if (healed < 0 && bench.Core.DirectPeerCount == 3)
                healed = bench.Now - lost;
        });

        // One dial per 250 ms tick, as before the bucket: alice's dead address first, then the three.
        await Assert.That(healed).IsGreaterThan(0);
        await Assert.That(healed).IsLessThanOrEqualTo(1000);
    }

    [Test]
    public async Task A_dead_learned_address_is_dialled_ever_less_often_and_forgotten_after_twelve_failures()
    {
        var bench = new DialBench(targetLinks: 3);
        var alice = bench.Join(identity: 1, "alice", listenPort: 1001);
        IPEndPoint dead = Hosts(1).Single();
        bench.Send(alice, DialBench.Peers([(42UL, dead)]));

        bench.RunUntil(bench.Now + 180_000, (link, _) => bench.Refuse(link), () => bench.Send(alice, DialBench.Ping)); // alice pings
        long[] times = [.. bench.Dials.Where(d => d.To.Equals(dead)).Select(d => d.At)];
        long[] gaps = [.. times.Zip(times.Skip(1), (a, b) => b - a)];

        await Assert.That(times.Length).IsEqualTo(AddressBook.ForgetAfterFailures);
        await Assert.That(bench.Book.Knows(dead)).IsFalse();
        await Assert.That(gaps[0]).IsLessThanOrEqualTo(AddressBook.FirstBackoffMs * 3 / 2 + DialBench.TickMs);
        await Assert.That(gaps[^1]).IsGreaterThanOrEqualTo(AddressBook.MaxBackoffMs / 2);
    }

    [Test]
    public async Task A_users_join_and_the_reconnection_to_it_are_dialled_at_once_with_the_dial_budget_spent()
    {
        var bench = new DialBench(targetLinks: 3);
        var mallory = bench.Join(identity: 3, "mallory", listenPort: 1003);
        bench.Send(mallory, bench.Peers(Hosts(100)));
        bench.RunUntil(bench.Now + 2000, (link, _) => bench.Refuse(link), () => bench.Send(mallory, DialBench.Ping));
        var friend = new IPEndPoint(new IPAddress([10, 1, 1, 1]), 5000);
        NodeKeys friendKeys = bench.Keys(5);

        int join = bench.UserJoin(friend);
        bench.Answer(join, friendKeys, "friend", 5000);
        bench.Lose(join);
        long lost = bench.Now;
        long redialled = -1;
        bench.RunUntil(lost + 1000, (link, to) =>
        {
            if (to.Equals(friend) && redialled < 0)
                redialled = bench.Now - lost;
            bench.Refuse(link);
        }, () => bench.Send(mallory, DialBench.Ping));

        await Assert.That(bench.Dials.Count(d => d.To.Equals(friend))).IsGreaterThanOrEqualTo(2);
        await Assert.That(redialled).IsGreaterThan(0);
        // The next tick, or the one after if a token for a learned address came due on that very tick.
        await Assert.That(redialled).IsLessThanOrEqualTo(2 * DialBench.TickMs);
    }
}
