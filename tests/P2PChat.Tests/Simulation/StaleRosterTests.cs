// A node that was stopped (a suspended laptop) while a member left must not, when it runs again, bring that member
// back: its roster still counts the member online (its own stall is forgiven, so no lease ran out), and once the
// others' tombstones of the member are gone (Roster.TombstoneMs), a neighbour that asks for the members it lacks would
// take the old announcement as news and pass it on to everyone (Roster.Unvouched). In simulated time, so the stall is
// exact.
using System.Net;
using P2PChat.Net;
using P2PChat.Net.Crypto;

namespace P2PChat.Tests.Simulation;

public class StaleRosterTests
{
    private static List<NodeHost> Mesh(SimNetwork net, int count)
    {
        var nodes = new List<NodeHost>();
        for (int i = 0; i < count; i++)
        {
            var host = new NodeHost(net, new IPEndPoint(new IPAddress([10, 0, 0, (byte)(i + 2)]), 7000), new NodeOptions($"m{i}"),
                NodeKeys.Generate(new SeededRandomSource(new Random(net.Random.Next()))), 1 + net.Random.Next(20));
            if (i > 0)
                host.Join(nodes[net.Random.Next(i)].EndPoint);
            nodes.Add(host);
        }
        return nodes;
    }

    private static string Rosters(IEnumerable<NodeHost> nodes) =>
        string.Join("; ", nodes.Select(n => $"{n.Label}: {string.Join(",", n.Core.Presence.Members().Select(m => m.Name))}"));

    // 1 minute: the others' tombstones still answer (a guard); 6 minutes and an hour: they are gone. "talks": the
    // leaver says a line while the node is stopped, which comes back to it as a REPLAY when it links again.
    [Test]
    [Arguments(1, 60_000, false)]
    [Arguments(2, Roster.TombstoneMs + 60_000, false)]
    [Arguments(3, 3_600_000, false)]
    [Arguments(4, Roster.TombstoneMs + 60_000, true)]
    public async Task A_member_that_left_while_a_node_was_stopped_stays_gone_when_that_node_runs_again(int seed, long stallMs, bool talks)
    {
        var net = new SimNetwork(seed, null);
        List<NodeHost> nodes = Mesh(net, 6);
        net.Events.RunUntil(15_000);
        NodeHost sleeper = nodes[5], leaver = nodes[1];
        await Assert.That(nodes.All(n => n.Core.Presence.Members().Count == 5)).IsTrue().Because(Rosters(nodes));

        sleeper.Pause();
        net.Events.RunUntil(net.Now + 5000); // its links are closed as silent
        if (talks)
        {
            leaver.Say("said while the sleeper sleeps");
            net.Events.RunUntil(net.Now + 1000);
        }
        leaver.Leave();
        net.Events.RunUntil(net.Now + stallMs);
        sleeper.Resume();

        // Every second for a minute after it runs again: nobody else counts the leaver online.
        NodeHost[] others = [.. nodes.Where(n => n != leaver)];
        uint interval = sleeper.Core.Presence.Roster.Get(leaver.NodeId)?.IntervalMs ?? 0;
        long resumed = net.Now;
        for (int s = 0; s < 60; s++)
        {
            net.Events.RunUntil(net.Now + 1000);
            string[] ghosts = [.. others.Where(n => n != sleeper && n.Core.Presence.Online(leaver.NodeId) is not null).Select(n => n.Label)];
            await Assert.That(ghosts.Length).IsEqualTo(0).Because($"{s + 1} s after the resume: {Rosters(others)}");
        }
        // The members that are still there, the sleeper vouches for again (its new neighbours' ROSTERs named them).
        string[] unvouched = [.. sleeper.Core.Presence.Roster.Entries.Where(e => !e.Gone && e.Unvouched && e.Member.NodeId != leaver.NodeId)
            .Select(e => e.Member.Name)];
        await Assert.That(unvouched.Length).IsEqualTo(0).Because($"still unvouched: {string.Join(",", unvouched)}");
        // The sleeper itself holds it until its lease runs out (its stall forgiven; a replayed old line of it, in the
        // seconds after it linked again, counts as hearing from it), unless a tombstone elsewhere told it sooner.
        net.Events.RunUntil(Math.Max(net.Now, resumed + 5000 + 3L * interval + Roster.ExpirySlackMs + NodeCore.IdleTickMs));
        await Assert.That(sleeper.Core.Presence.Online(leaver.NodeId)).IsNull().Because($"interval {interval} ms: {Rosters(others)}");
        // And the sleeper is back in the network: everyone else counts it online.
        await Assert.That(others.All(n => n == sleeper || n.Core.Presence.Online(sleeper.NodeId) is not null)).IsTrue().Because(Rosters(others));
    }
}
