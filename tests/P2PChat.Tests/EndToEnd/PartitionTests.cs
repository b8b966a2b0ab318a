// A real network partition: four p2pchat processes, each in its own network namespace, two on each side of a
// "switch" namespace whose two bridges are joined by one veth pair, the cable. Taking the cable down drops every
// packet between the sides and closes nothing, as pulling a cable between two switches would. Needs root and
// iproute2; skipped with the reason otherwise. Everything it creates is named p2pc-* and removed afterwards.
using System.Diagnostics;

namespace P2PChat.Tests.EndToEnd;

[NotInParallel("e2e")]
public sealed class PartitionTests
{
    private const string Prefix = "p2pc-";
    private const string Switch = Prefix + "sw";
    private const string CableA = Prefix + "cabA"; // the cable's two ends, on bridge A and bridge B
    private const string CableB = Prefix + "cabB";
    private const string Port = "7000"; // every host has its own network stack, so all can use the same port

    /// <summary>Heartbeats declare a link dead after 3 s, reconnect backoff is capped at 8 s (jittered up to 12 s)
    /// and a connect attempt to an unreachable address may take 5 s: allow for all of it.</summary>
    private static readonly TimeSpan HealDeadline = TimeSpan.FromSeconds(40);

    private static readonly (string Name, string Address, char Side)[] Hosts =
        [("a1", "10.77.0.1", 'A'), ("a2", "10.77.0.2", 'A'), ("b1", "10.77.0.3", 'B'), ("b2", "10.77.0.4", 'B')];

    // extraSecondsDown: how long the cable stays out after the cut was noticed. The outage itself, not a wait for
    // anything: a long one lets the reconnect backoff grow towards its 8 s cap before the cable comes back.
    [Test]
    [Arguments(0)]
    [Arguments(20)]
    public async Task After_the_cable_between_two_halves_is_cut_and_restored_every_node_has_every_line_exactly_once_in_order(int extraSecondsDown)
    {
        if (!Environment.IsPrivilegedProcess)
            SkipWith("needs root to create network namespaces");
        if (!await IpWorksAsync())
            SkipWith("iproute2 ('ip') is not installed or does not run");
        var nodes = new List<ChatProcess>();
        try
        {
            await RemoveLeftoversAsync();
            try
            {
                await IpAsync("netns", "add", Switch);
            }
            catch (InvalidOperationException e)
            {
                SkipWith($"'ip netns add' failed: {e.Message}");
            }
            await BuildNetworkAsync();

            // A line a1 - a2 - b1 - b2; with the default --links 3 it becomes a full mesh of four.
            string? join = null;
            foreach ((string name, string address, _) in Hosts)
            {
                string[] args = [name, .. join is null ? [] : (string[])[join, Port], "--bind", address, "--port", Port];
                nodes.Add(await ChatProcess.StartListeningAsync(name, args, joins: join is not null, prefix: ["ip", "netns", "exec", Prefix + name]));
                join = address;
            }
            await Topology.WaitForLinksAsync(nodes, 3);
            var before = new Delivery();
            foreach (ChatProcess node in nodes)
                await before.SayAsync(node, $"{node.Name} before the cut");
            await before.WaitUntilAllArrivedAsync(nodes, "every node to print every other node's line before the cut", Wait.Default);

            var cut = Stopwatch.StartNew();
            await IpAsync("-n", Switch, "link", "set", CableA, "down");
            await Wait.UntilAsync(() => nodes.All(n => !n.Neighbours.Overlaps(OtherSide(n))),
                "each node to declare every node on the other side dead",
                () => $"links: {Topology.Describe(nodes)}\n{Topology.DescribeAll(nodes)}", TimeSpan.FromSeconds(10));
            TimeSpan detected = cut.Elapsed;

            var during = new Delivery();
            for (int i = 1; i <= 5; i++)
                foreach (ChatProcess node in nodes)
                    await during.SayAsync(node, $"{node.Name} during the cut {i}");
            // Each side goes on talking within itself; nothing crosses the cut.
            foreach (ChatProcess node in nodes)
            {
                ChatProcess partner = nodes.Single(n => n != node && Side(n) == Side(node));
                await node.WaitForStdoutAsync($"{partner.Name}: {partner.Name} during the cut 5");
            }
            foreach (ChatProcess node in nodes)
                await Assert.That(during.Check([node]).Lost).IsEqualTo(10)
                    .Because($"{node.Label} should have its partner's 5 lines and none of the other side's: {during.Check([node])}");
            if (extraSecondsDown > 0)
                await Task.Delay(TimeSpan.FromSeconds(extraSecondsDown));
            await Assert.That(nodes.All(n => !n.Neighbours.Overlaps(OtherSide(n)))).IsTrue()
                .Because($"no link may cross the cut: {Topology.Describe(nodes)}");
            TimeSpan cutFor = cut.Elapsed;

            var heal = Stopwatch.StartNew();
            await IpAsync("-n", Switch, "link", "set", CableA, "up");
            await during.WaitUntilAllArrivedAsync(nodes, "every node to print every line said during the cut", HealDeadline);
            TimeSpan healed = heal.Elapsed;
            Console.WriteLine($"[partition, cable kept down {extraSecondsDown} s longer] cable down -> every node declared the other side dead: {detected.TotalMilliseconds:0} ms");
            Console.WriteLine($"[partition, cable kept down {extraSecondsDown} s longer] cable down for {cutFor.TotalMilliseconds:0} ms; cable up -> every node has the 15 lines the other 3 said during the cut: {healed.TotalMilliseconds:0} ms");

            // The mesh re-forms; then one more round, by which any duplicate a late link replayed would show.
            await Topology.WaitForLinksAsync(nodes, 3, HealDeadline);
            var after = new Delivery();
            foreach (ChatProcess node in nodes)
                await after.SayAsync(node, $"{node.Name} after the cut");
            await after.WaitUntilAllArrivedAsync(nodes, "every node to print every other node's line after the cut", Wait.Default);
            DeliveryReport report = during.Check(nodes);
            Console.WriteLine($"[partition, cable kept down {extraSecondsDown} s longer] links after healing: {Topology.Describe(nodes)}");
            Console.WriteLine($"[partition, cable kept down {extraSecondsDown} s longer] lines said during the cut, as printed by the 4 nodes: {report.Summary}");

            string everything = Topology.DescribeAll(nodes);
            await Assert.That(report.IsExact).IsTrue().Because($"{report}\n{everything}");
            await Assert.That(after.Check(nodes).IsExact).IsTrue().Because($"{after.Check(nodes)}\n{everything}");
            foreach (ChatProcess node in nodes)
                await Assert.That(Delivery.RepeatedLines(node)).IsEmpty().Because($"{node.Label} printed a line twice\n{everything}");
        }
        finally
        {
            await Task.WhenAll(nodes.Select(n => n.DisposeAsync().AsTask()));
            await RemoveLeftoversAsync();
        }
    }

    private static char Side(ChatProcess node) => Hosts.Single(h => h.Name == node.Name).Side;

    private static HashSet<string> OtherSide(ChatProcess node) =>
        Hosts.Where(h => h.Side != Side(node)).Select(h => h.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>Namespaces p2pc-sw, p2pc-a1 ... p2pc-b2. In the switch: bridges p2pc-brA and p2pc-brB, the cable
    /// p2pc-cabA/p2pc-cabB between them, and per host a veth p2pc-NAME whose other end is eth0 in the host's
    /// namespace, with 10.77.0.x/24. Nothing is created outside these namespaces.</summary>
    private static async Task BuildNetworkAsync()
    {
        await IpAsync("-n", Switch, "link", "set", "lo", "up");
        foreach (char side in "AB")
        {
            await IpAsync("-n", Switch, "link", "add", $"{Prefix}br{side}", "type", "bridge");
            await IpAsync("-n", Switch, "link", "set", $"{Prefix}br{side}", "up");
        }
        await IpAsync("-n", Switch, "link", "add", CableA, "type", "veth", "peer", "name", CableB);
        await IpAsync("-n", Switch, "link", "set", CableA, "master", $"{Prefix}brA", "up");
        await IpAsync("-n", Switch, "link", "set", CableB, "master", $"{Prefix}brB", "up");
        foreach ((string name, string address, char side) in Hosts)
        {
            string ns = Prefix + name;
            await IpAsync("netns", "add", ns);
            await IpAsync("-n", ns, "link", "set", "lo", "up");
            await IpAsync("-n", Switch, "link", "add", ns, "type", "veth", "peer", "name", "eth0", "netns", ns);
            await IpAsync("-n", Switch, "link", "set", ns, "master", $"{Prefix}br{side}", "up");
            await IpAsync("-n", ns, "addr", "add", $"{address}/24", "dev", "eth0");
            await IpAsync("-n", ns, "link", "set", "eth0", "up");
        }
    }

    /// <summary>Removes every p2pc-* namespace, this run's or one a crashed run left, after killing the processes
    /// still inside it (this test's own p2pchat nodes). Their interfaces go with them.</summary>
    private static async Task RemoveLeftoversAsync()
    {
        string list = await IpAsync("netns", "list");
        foreach (string ns in list.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ')[0]))
        {
            if (!ns.StartsWith(Prefix, StringComparison.Ordinal))
                continue;
            foreach (string pid in (await IpAsync("netns", "pids", ns)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                try
                {
                    using Process leftover = Process.GetProcessById(int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture));
                    leftover.Kill();
                    await leftover.WaitForExitAsync();
                }
                catch (ArgumentException)
                {
                    // Already gone.
                }
            }
            await IpAsync("netns", "del", ns);
        }
    }

    private static async Task<bool> IpWorksAsync()
    {
        try
        {
            await IpAsync("-V");
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>Runs `ip ARGS`; returns its stdout, throws with its stderr when it fails.</summary>
    private static async Task<string> IpAsync(params string[] args)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        using Process ip = Process.Start(start) ?? throw new InvalidOperationException("could not start ip");
        Task<string> stdout = ip.StandardOutput.ReadToEndAsync();
        Task<string> stderr = ip.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await ip.WaitForExitAsync(cancel.Token);
        if (ip.ExitCode != 0)
            throw new InvalidOperationException($"ip {string.Join(' ', args)} exited {ip.ExitCode}: {(await stderr).Trim()}");
        return await stdout;
    }

    private static void SkipWith(string reason)
    {
        Console.WriteLine($"[partition] skipped: {reason}");
        Skip.Test(reason);
    }
}
