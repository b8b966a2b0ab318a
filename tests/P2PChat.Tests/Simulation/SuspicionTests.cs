// Deaths are found by neighbours, not by silence (Presence.cs): a node that loses its last link to a member floods a
// signed SUSPECT, the member refutes it with a newer announcement if it is alive, and every node declares it gone
// Roster.SuspectMs after the suspicion otherwise. Announcements are rare in a big network (one per PresencePerMember
// times the members, network-wide), so these runs make them rarer still: nothing but the suspicion can tell in time.
// Simulated time, exact and seeded.
using System.Net;
using P2PChat.Net;

namespace P2PChat.Tests.Simulation;

public class SuspicionTests
{
    /// <summary>Announcements every 10 minutes at least: a death reported within seconds came from a suspicion.</summary>
    private static readonly NodeOptions Rare = new("x") { PresenceInterval = TimeSpan.FromMinutes(10) };

    /// <summary>A mesh of <paramref name="count"/> nodes (each joins a random earlier one, then self-heals to 3 links),
    /// settled, each knowing all the others.</summary>
    private static (SimNetwork Net, List<NodeHost> Nodes) Mesh(int seed, int count) => Mesh(seed, count, []);

    private static (SimNetwork Net, List<NodeHost> Nodes) Mesh(int seed, int count, List<NodeKeys> keys)
    {
        var net = new SimNetwork(seed, null);
        return (net, SmallNetwork.Grow(net, count, Rare, keys));
    }

    private static string Rosters(IEnumerable<NodeHost> nodes) =>
        string.Join("; ", nodes.Select(n => $"{n.Label}: {string.Join(",", n.Core.Presence.Members().Select(m => m.Name))}"));

    [Test]
    [Arguments(1)]
    [Arguments(2)]
    [Arguments(3)]
    public async Task A_killed_member_is_reported_gone_by_everyone_within_a_suspicion_of_its_neighbours_losing_it(int seed)
    {
        (SimNetwork net, List<NodeHost> nodes) = Mesh(seed, 12);
        await Assert.That(nodes.All(n => n.Core.Presence.Members().Count == 11)).IsTrue().Because(Rosters(nodes));

        NodeHost victim = nodes[net.Random.Next(nodes.Count)];
        victim.Kill();
        var others = nodes.Where(n => n != victim).ToList();
        long bound = net.Now + Roster.SuspectMs + 250 + 500; // the links drop at once (the kernel closes them), a tick, the flood
        net.Events.RunUntil(bound);

        await Assert.That(others.All(n => !n.Core.Presence.IsOnline(victim.NodeId))).IsTrue().Because(Rosters(others));
        await Assert.That(others.Sum(n => n.MembersLeft)).IsEqualTo(others.Count);
    }

    [Test]
    [Arguments(4)]
    [Arguments(5)]
    public async Task A_hung_member_is_reported_gone_by_everyone_within_dead_after_and_a_suspicion(int seed)
    {
        (SimNetwork net, List<NodeHost> nodes) = Mesh(seed, 8);
        NodeHost victim = nodes[^1];
        victim.Pause();
        var others = nodes.Where(n => n != victim).ToList();
        net.Events.RunUntil(net.Now + (long)Rare.DeadAfter.TotalMilliseconds + 250 + Roster.SuspectMs + 500);
        await Assert.That(others.All(n => !n.Core.Presence.IsOnline(victim.NodeId))).IsTrue().Because(Rosters(others));
    }

    [Test]
    [Arguments(6)]
    [Arguments(7)]
    [Arguments(8)]
    public async Task A_member_alive_behind_a_lost_link_refutes_the_suspicion_and_nobody_reports_it_gone(int seed)
    {
        (SimNetwork net, List<NodeHost> nodes) = Mesh(seed, 10);
        // Every link of one member is cut at once, a link at a time as its neighbours see it: each neighbour suspects it,
        // and it hears of the suspicions over the links it still has (and, after the last, over the ones it remakes).
        NodeHost member = nodes.First(n => n.Core.Links.Open.Length >= 2);
        foreach (int link in member.Core.Links.Open.Select(l => l.Id).ToArray())
        {
            member.Core.Abort(link, new LinkClose(CloseKind.FaultInjected), net.Now);
            net.Events.RunUntil(net.Now + 50);
        }
        net.Events.RunUntil(net.Now + 3 * Roster.SuspectMs);

        await Assert.That(member.Core.Presence.Refuted).IsGreaterThan(0);
        await Assert.That(nodes.Sum(n => n.MembersLeft)).IsEqualTo(0).Because(Rosters(nodes));
        await Assert.That(nodes.All(n => n == member || n.Core.Presence.IsOnline(member.NodeId))).IsTrue().Because(Rosters(nodes));
    }

    // During the split each side declares gone the members it had links to; one whose neighbours were all on the far
    // side stays listed until its lease (three intervals) runs out. After the heal, the suspicions handed over make
    // each member refute, and every roster is whole again.
    [Test]
    public async Task A_split_that_heals_brings_each_side_back_online_on_the_other_though_nobody_announces_for_minutes()
    {
        (SimNetwork net, List<NodeHost> nodes) = Mesh(9, 10);
        HashSet<SimHost> cut = net.Partition(nodes.Take(4));
        net.Events.RunUntil(net.Now + 15_000);
        await Assert.That(nodes.Sum(n => n.MembersLeft)).IsGreaterThan(0).Because(Rosters(nodes));

        net.Heal(cut);
        net.Events.RunUntil(net.Now + 20_000);
        await Assert.That(nodes.All(n => n.Core.Presence.Members().Count == 9)).IsTrue().Because(Rosters(nodes));
    }

    // Mallory, a member with keys of her own, suspects every other member, again and again at each one's newest counter
    // (five times a second): each refutes, nobody is reported gone, and what she buys is bounded by the suspecters'
    // budget (SuspicionBurst, then ten a second) and each member's pacing of its own refutations.
    [Test]
    [Arguments(10)]
    [Arguments(11)]
    public async Task A_member_suspecting_everyone_over_and_over_makes_nobody_leave(int seed)
    {
        var keys = new List<NodeKeys>();
        (SimNetwork net, List<NodeHost> nodes) = Mesh(seed, 8, keys);
        NodeHost mallory = nodes[0];
        long start = net.Now;
        for (long at = start; at < start + 10_000; at += 200)
        {
            net.Events.At(at, () =>
            {
                foreach (NodeHost victim in nodes.Skip(1))
                {
                    if (mallory.Core.Presence.Roster.Get(victim.NodeId) is not { } entry)
                        continue;
                    var frame = new byte[FrameWriter.SuspectSize];
                    FrameWriter.WriteSuspect(frame, mallory.NodeId, victim.NodeId, entry.Counter, keys[0].Identity.Public, keys[0].Epoch);
                    Presence.SignSuspect(keys[0], frame);
                    mallory.SendToAll(frame);
                }
            });
        }
        net.Events.RunUntil(start + 10_000 + 3 * Roster.SuspectMs);

        await Assert.That(nodes.Sum(n => n.MembersLeft)).IsEqualTo(0).Because(Rosters(nodes));
        await Assert.That(nodes.Skip(1).All(n => n.Core.Presence.Refuted > 0)).IsTrue();
        await Assert.That(nodes.All(n => n.Core.Presence.Members().Count == 7)).IsTrue().Because(Rosters(nodes));
        // Each member refuted at most once per pacing gap (1 s and a tick), however often it was suspected: about 13
        // announcements in the 16 s, not one per suspicion (50).
        await Assert.That(nodes.Skip(1).Max(n => n.Core.Presence.Announcements)).IsLessThanOrEqualTo(20);
    }

    [Test]
    [Arguments(1)]
    [Arguments(2)]
    public async Task Suspicions_from_node_ids_nobody_knows_make_no_member_refute_and_nobody_leave(int seed)
    {
        (SimNetwork net, List<NodeHost> nodes) = Mesh(seed, 8);
        long refutedBefore = nodes.Sum(n => n.Core.Presence.Refuted);
        var suspecter = new SuspecterHost(net, new IPEndPoint(new IPAddress([10, 0, 2, 1]), 7000), nodes);
        suspecter.Start(nodes[0].EndPoint);
        net.Events.RunUntil(net.Now + 60_000);

        long refuted = nodes.Sum(n => n.Core.Presence.Refuted) - refutedBefore;
        string detail = $"{suspecter.Sent} suspicions sent; refutations {refuted}; dropped as from strangers at the first node "
            + $"{nodes[0].Core.Presence.SuspicionsFromStrangers}; members left {nodes.Sum(n => n.MembersLeft)}";
        await Assert.That(suspecter.Sent).IsGreaterThan(1000).Because(detail);
        await Assert.That(refuted).IsEqualTo(0).Because(detail);
        await Assert.That(nodes.Sum(n => n.MembersLeft)).IsEqualTo(0).Because(detail);
        await Assert.That(nodes.All(n => n.Core.Presence.Members().Count == 7)).IsTrue().Because(Rosters(nodes));
    }
}
