// End-to-end fault tolerance (issue 3): real p2pchat processes on 127.0.0.1 are killed with SIGKILL, frozen with
// SIGSTOP, restarted on their port, or join late. Nobody restarts or re-joins anything by hand: the survivors must
// find each other, every line must reach every peer exactly once and in its sender's order, and what was said
// meanwhile must catch up. Each test writes what it measured (time to heal, time to declare a peer dead).
using System.Diagnostics;
using System.Globalization;

namespace P2PChat.Tests.EndToEnd;

[NotInParallel("e2e")]
public sealed class FaultToleranceTests
{
    /// <summary>From a kill to every survivor having every other survivor's new line.</summary>
    private static readonly TimeSpan HealDeadline = TimeSpan.FromSeconds(15);

    /// <summary>A peer's links go quiet for 3 s before it is declared dead, plus a 250 ms timer tick (docs/PROTOCOL.md),
    /// plus slack for a busy 2-core machine.</summary>
    private static readonly TimeSpan DetectionLimit = TimeSpan.FromSeconds(8);

    /// <summary>Reconnect backoff is capped at 8 s, jittered up to 12 s: a restarted peer may wait that long.</summary>
    private static readonly TimeSpan RejoinDeadline = TimeSpan.FromSeconds(30);

    // --links 2 keeps the shape close to the one the users made (only the ends and leaves add a link); the default
    // 3 makes the network denser before the kill. Each run prints the links the kill hit.
    [Test]
    [Arguments(2)]
    [Arguments(3)]
    public Task Killing_the_middle_of_a_line_of_five_heals_without_anyone_typing(int links) =>
        KillAndHealAsync("line of 5", links, [("l0", null), ("l1", "l0"), ("l2", "l1"), ("l3", "l2"), ("l4", "l3")], victim: "l2");

    [Test]
    [Arguments(2)]
    [Arguments(3)]
    public Task Killing_the_centre_of_a_star_of_six_heals_without_anyone_typing(int links) =>
        KillAndHealAsync("star of 6", links, [("hub", null), ("s1", "hub"), ("s2", "hub"), ("s3", "hub"), ("s4", "hub"), ("s5", "hub")], victim: "hub");

    [Test]
    [Arguments(2)]
    [Arguments(3)]
    public Task Killing_the_root_of_a_binary_tree_of_seven_heals_without_anyone_typing(int links) =>
        KillAndHealAsync("tree of 7", links, BinaryTree(7), victim: "root");

    // The same with the default --links 3 and one more level: the root's two subtrees of seven each.
    [Test]
    public Task Killing_the_root_of_a_binary_tree_of_fifteen_heals_without_anyone_typing() =>
        KillAndHealAsync("tree of 15", 3, BinaryTree(15), victim: "root");

    /// <summary>root, t1 .. t(n-1); node i joins node (i - 1) / 2.</summary>
    private static (string Name, string? Parent)[] BinaryTree(int size) =>
        [.. Enumerable.Range(0, size).Select(i => (i == 0 ? "root" : $"t{i}", i == 0 ? null : (i - 1) / 2 == 0 ? "root" : $"t{(i - 1) / 2}"))];

    /// <summary>Builds the shape (each node joins its parent) with `--links <paramref name="links"/>`, kills
    /// <paramref name="victim"/> with SIGKILL, has every survivor say a new line at once, and waits until each
    /// survivor printed every other one's line.</summary>
    private static async Task KillAndHealAsync(string shape, int links, (string Name, string? Parent)[] layout, string victim)
    {
        shape = $"{shape}, --links {links}";
        string linksArg = links.ToString(CultureInfo.InvariantCulture);
        var peers = new Dictionary<string, ChatProcess>(StringComparer.Ordinal);
        try
        {
            foreach ((string name, string? parent) in layout)
                peers[name] = await ChatProcess.StartPeerAsync(name, parent is null ? null : peers[parent].Port, "--links", linksArg);
            ChatProcess[] all = [.. peers.Values];
            // A node with fewer links than --links connects to peers it learned about (the ends of the line, the
            // leaves). Wait for that, so the kill hits a network that has stopped changing.
            await Topology.WaitForLinksAsync(all, links);
            var before = new Delivery();
            foreach (ChatProcess peer in all)
                await before.SayAsync(peer, $"{peer.Name} before the kill");
            await before.WaitUntilAllArrivedAsync(all, "every peer to print every other peer's line before the kill", Wait.Default);

            ChatProcess dead = peers[victim];
            ChatProcess[] survivors = [.. all.Where(p => p != dead)];
            string shapeBefore = Topology.Describe(all);
            int pieces = Topology.Pieces(survivors);
            Console.WriteLine($"[{shape}] links before the kill: {shapeBefore}");
            Console.WriteLine($"[{shape}] killing {victim} (SIGKILL) leaves the survivors in {pieces} piece(s) over their remaining links");

            var clock = Stopwatch.StartNew();
            await dead.KillAsync();
            var after = new Delivery();
            foreach (ChatProcess survivor in survivors)
                await after.SayAsync(survivor, $"{survivor.Name} after {victim} was killed");
            await after.WaitUntilAllArrivedAsync(survivors, $"every survivor to print every other survivor's line said after {victim} was killed", HealDeadline);
            TimeSpan healed = clock.Elapsed;
            Console.WriteLine($"[{shape}] kill -> every survivor has every other survivor's post-kill line: {Ms(healed)}");

            // Let the survivors finish re-linking (each reported the victim gone and again has its --links peers),
            // then one more round: a duplicate that a late link's anti-entropy replayed would show by now.
            await Wait.UntilAsync(() => survivors.All(s => !s.Neighbours.Contains(victim)), $"every survivor to report {victim} left",
                () => $"links: {Topology.Describe(survivors)}\n{Topology.DescribeAll(survivors)}");
            await Topology.WaitForLinksAsync(survivors, Math.Min(links, survivors.Length - 1));
            var last = new Delivery();
            foreach (ChatProcess survivor in survivors)
                await last.SayAsync(survivor, $"{survivor.Name} last word");
            await last.WaitUntilAllArrivedAsync(survivors, "every survivor to print every other survivor's last word", Wait.Default);
            Console.WriteLine($"[{shape}] links after healing: {Topology.Describe(survivors)}");

            string everything = Topology.DescribeAll(all);
            DeliveryReport report = after.Check(survivors);
            await Assert.That(report.IsExact).IsTrue().Because($"post-kill lines: {report}\n{everything}");
            await Assert.That(last.Check(survivors).IsExact).IsTrue().Because($"last words: {last.Check(survivors)}\n{everything}");
            foreach (ChatProcess survivor in survivors)
                await Assert.That(Delivery.RepeatedLines(survivor)).IsEmpty().Because($"{survivor.Label} printed a line twice\n{everything}");
        }
        finally
        {
            await Task.WhenAll(peers.Values.Select(p => p.DisposeAsync().AsTask()));
        }
    }

    [Test]
    public async Task A_peer_frozen_by_SIGSTOP_is_declared_dead_and_after_SIGCONT_prints_what_was_said_meanwhile_once_in_order()
    {
        await using ChatProcess a = await ChatProcess.StartPeerAsync("a");
        await using ChatProcess b = await ChatProcess.StartPeerAsync("b", a.Port);
        await using ChatProcess c = await ChatProcess.StartPeerAsync("c", b.Port);
        ChatProcess[] all = [a, b, c];
        await Topology.WaitForLinksAsync(all, 2); // a triangle: b is a neighbour of both a and c
        var before = new Delivery();
        foreach (ChatProcess peer in all)
            await before.SayAsync(peer, $"{peer.Name} before the stop");
        await before.WaitUntilAllArrivedAsync(all, "every peer to print every other peer's line before the stop", Wait.Default);

        var clock = Stopwatch.StartNew();
        b.Stop();
        TimeSpan[] detected;
        var meanwhile = new Delivery();
        try
        {
            // Lines said at once land in b's socket buffers (the kernel still acknowledges them); lines said after b
            // was declared dead can only reach it by anti-entropy once it is back.
            for (int i = 1; i <= 3; i++)
                foreach (ChatProcess peer in (ChatProcess[])[a, c])
                    await meanwhile.SayAsync(peer, $"{peer.Name} while b is stopped {i}");
            detected = await Task.WhenAll(new[] { a, c }.Select(async peer =>
            {
                await peer.WaitForStderrAsync(line => line.StartsWith("p2pchat: link to b closed (no sign of life", StringComparison.Ordinal),
                    "'p2pchat: link to b closed (no sign of life for 3 s)'", TimeSpan.FromSeconds(10));
                return clock.Elapsed;
            }));
            for (int i = 4; i <= 6; i++)
                foreach (ChatProcess peer in (ChatProcess[])[a, c])
                    await meanwhile.SayAsync(peer, $"{peer.Name} while b is stopped {i}");
            await meanwhile.WaitUntilAllArrivedAsync([a, c], "a and c to print each other's lines while b is stopped", Wait.Default);
        }
        finally
        {
            b.Continue();
        }

        var resumed = Stopwatch.StartNew();
        await meanwhile.WaitUntilAllArrivedAsync([b], "b to print every line a and c said while it was stopped", HealDeadline);
        TimeSpan caughtUp = resumed.Elapsed;
        await b.SayAsync("b is back");
        await a.WaitForStdoutAsync("b: b is back");
        await c.WaitForStdoutAsync("b: b is back");

        Console.WriteLine($"[SIGSTOP] b declared dead by a after {Ms(detected[0])}, by c after {Ms(detected[1])}");
        Console.WriteLine($"[SIGSTOP] SIGCONT -> b printed all 12 lines said while it was stopped: {Ms(caughtUp)}");

        string everything = Topology.DescribeAll(all);
        foreach (TimeSpan t in detected)
            await Assert.That(t).IsLessThanOrEqualTo(DetectionLimit).Because($"b should be declared dead within ~3.25 s\n{everything}");
        DeliveryReport report = meanwhile.Check(all);
        await Assert.That(report.IsExact).IsTrue().Because($"{report}\n{everything}");
        foreach (ChatProcess peer in all)
            await Assert.That(Delivery.RepeatedLines(peer)).IsEmpty().Because($"{peer.Label} printed a line twice\n{everything}");
    }

    [Test]
    public async Task A_late_joiner_with_history_5_prints_the_last_five_lines_oldest_first_and_nothing_older()
    {
        (ChatProcess[] trio, string[] said, _) = await StartTrioThatChatsAsync(9);
        await using var trioProcesses = new Disposer(trio);

        await using ChatProcess d = await ChatProcess.StartPeerAsync("d", trio[2].Port, "--history", "5");
        await Topology.WaitForLinksAsync([d], 3); // d links to a, b and c: every one of them has answered its SYNC
        await trio[0].SayAsync("a after d joined");
        await d.WaitForStdoutAsync("a: a after d joined");

        string[] expected = [.. said[^5..], "a: a after d joined"];
        await Assert.That(string.Join('\n', d.Stdout)).IsEqualTo(string.Join('\n', expected))
            .Because($"d should print the last 5 of [{string.Join(", ", said)}] oldest first, then the new line\n{Topology.DescribeAll([.. trio, d])}");
    }

    [Test]
    public async Task A_late_joiner_with_history_0_prints_none_of_the_earlier_lines()
    {
        (ChatProcess[] trio, string[] said, _) = await StartTrioThatChatsAsync(9);
        await using var trioProcesses = new Disposer(trio);

        await using ChatProcess e = await ChatProcess.StartPeerAsync("e", trio[2].Port, "--history", "0");
        await Topology.WaitForLinksAsync([e], 3);
        await trio[1].SayAsync("b after e joined");
        await e.WaitForStdoutAsync("b: b after e joined");

        await Assert.That(string.Join('\n', e.Stdout)).IsEqualTo("b: b after e joined")
            .Because($"e joined with --history 0 after [{string.Join(", ", said)}]\n{Topology.DescribeAll([.. trio, e])}");
    }

    // History replayed to a newcomer is flooded on like any message. A peer that joined with --history 0 must still
    // not print earlier lines when a later newcomer joins through it and receives them as its own history.
    [Test]
    public async Task A_peer_that_joined_with_history_0_prints_no_earlier_line_when_a_newcomer_joins_through_it()
    {
        (ChatProcess[] trio, string[] said, _) = await StartTrioThatChatsAsync(9);
        await using var trioProcesses = new Disposer(trio);
        await using ChatProcess e = await ChatProcess.StartPeerAsync("e", trio[2].Port, "--history", "0");
        await Topology.WaitForLinksAsync([e], 3);
        await trio[1].SayAsync("b after e joined");
        await e.WaitForStdoutAsync("b: b after e joined");

        await using ChatProcess f = await ChatProcess.StartPeerAsync("f", e.Port);
        await Topology.WaitForLinksAsync([f], 3);
        await trio[0].SayAsync("a after f joined");
        await e.WaitForStdoutAsync("a: a after f joined");
        await f.WaitForStdoutAsync("a: a after f joined");

        await Assert.That(string.Join('\n', e.Stdout)).IsEqualTo("b: b after e joined\na: a after f joined")
            .Because($"e joined with --history 0 after [{string.Join(", ", said)}]\n{Topology.DescribeAll([.. trio, e, f])}");
    }

    // A newcomer's history is what the peer it joins through has in its log (docs/PROTOCOL.md, "Anti-entropy and
    // history"): here e, which joined with --history 0, holds one earlier line. The links f makes next must not add
    // older lines after it, out of order: f takes that one line as history, then goes on live.
    [Test]
    public async Task A_newcomer_takes_its_history_from_the_peer_it_joins_through_and_no_older_lines_from_later_links()
    {
        (ChatProcess[] trio, string[] said, Delivery chat) = await StartTrioThatChatsAsync(9);
        await using var trioProcesses = new Disposer(trio);
        await using ChatProcess e = await ChatProcess.StartPeerAsync("e", trio[2].Port, "--history", "0");
        await Topology.WaitForLinksAsync([e], 3);
        await chat.SayAsync(trio[1], "b after e joined");
        await e.WaitForStdoutAsync("b: b after e joined");

        await using ChatProcess f = await ChatProcess.StartPeerAsync("f", e.Port); // --history 50, but e has one line
        await Topology.WaitForLinksAsync([f], 3);
        await chat.SayAsync(trio[0], "a after f joined");
        await f.WaitForStdoutAsync("a: a after f joined");

        await Assert.That(string.Join('\n', f.Stdout)).IsEqualTo("b: b after e joined\na: a after f joined")
            .Because($"e had only its one line to give; earlier: [{string.Join(", ", said)}]\n{Topology.DescribeAll([.. trio, e, f])}");
    }

    // A line heard live before a newcomer's other links open must not make a later link replay all its sender's
    // earlier lines: with --history 0 none may be printed, and none may come after the newer line.
    [Test]
    public async Task A_peer_that_joined_with_history_0_prints_no_earlier_line_when_it_links_to_a_later_newcomer()
    {
        (ChatProcess[] trio, string[] said, _) = await StartTrioThatChatsAsync(9);
        await using var trioProcesses = new Disposer(trio);
        // --links 4 with three peers about: e keeps looking for a fourth and links to g as soon as it learns of it.
        await using ChatProcess e = await ChatProcess.StartPeerAsync("e", trio[2].Port, "--history", "0", "--links", "4");
        await Topology.WaitForLinksAsync([e], 3);
        await trio[1].SayAsync("b after e joined");
        await e.WaitForStdoutAsync("b: b after e joined");

        await using ChatProcess g = await ChatProcess.StartPeerAsync("g", trio[0].Port);
        await Wait.UntilAsync(() => e.Neighbours.Contains("g"), "e to link to g", () => Topology.DescribeAll([e, g]), RejoinDeadline);
        await trio[0].SayAsync("a after g joined");
        await e.WaitForStdoutAsync("a: a after g joined");

        await Assert.That(string.Join('\n', e.Stdout)).IsEqualTo("b: b after e joined\na: a after g joined")
            .Because($"e joined with --history 0 after [{string.Join(", ", said)}]\n{Topology.DescribeAll([.. trio, e, g])}");
    }

    /// <summary>a, b joining a, c joining b; once they are a triangle each says lines in turn, each line printed by
    /// the other two before the next is said, so every log holds them in the same order. Returns them as printed.</summary>
    private static async Task<(ChatProcess[] Trio, string[] Said, Delivery Delivery)> StartTrioThatChatsAsync(int lines)
    {
        var trio = new List<ChatProcess>();
        var delivery = new Delivery();
        try
        {
            trio.Add(await ChatProcess.StartPeerAsync("a"));
            trio.Add(await ChatProcess.StartPeerAsync("b", trio[0].Port));
            trio.Add(await ChatProcess.StartPeerAsync("c", trio[1].Port));
            await Topology.WaitForLinksAsync(trio, 2);
            var said = new List<string>();
            for (int i = 1; i <= lines; i++)
            {
                ChatProcess speaker = trio[(i - 1) % trio.Count];
                string text = $"{speaker.Name} line {i}";
                await delivery.SayAsync(speaker, text);
                foreach (ChatProcess other in trio.Where(p => p != speaker))
                    await other.WaitForStdoutAsync($"{speaker.Name}: {text}");
                said.Add($"{speaker.Name}: {text}");
            }
            return ([.. trio], [.. said], delivery);
        }
        catch
        {
            await new Disposer([.. trio]).DisposeAsync();
            throw;
        }
    }

    // extraSecondsDown: how long A stays dead after B and C noticed. The outage itself, not a wait for anything:
    // a long one lets B's and C's reconnect backoff grow towards its 8 s cap before A comes back.
    [Test]
    [Arguments(0)]
    [Arguments(20)]
    public async Task A_bootstrap_peer_killed_and_restarted_on_its_port_is_rejoined_by_the_others_by_themselves(int extraSecondsDown)
    {
        int port = LoopbackPort.Free();
        string[] bootstrapArgs = ["A", "--bind", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture)];
        ChatProcess? restarted = null;
        await using ChatProcess first = await ChatProcess.StartListeningAsync("A", bootstrapArgs, joins: false);
        await using ChatProcess b = await ChatProcess.StartPeerAsync("B", port);
        await using ChatProcess c = await ChatProcess.StartPeerAsync("C", port);
        try
        {
            await Topology.WaitForLinksAsync([first, b, c], 2); // B and C also link to each other
            var before = new Delivery();
            foreach (ChatProcess peer in (ChatProcess[])[first, b, c])
                await before.SayAsync(peer, $"{peer.Name} before the kill");
            await before.WaitUntilAllArrivedAsync([first, b, c], "every peer to print every other peer's line before the kill", Wait.Default);

            var down = Stopwatch.StartNew();
            await first.KillAsync();
            foreach (ChatProcess peer in (ChatProcess[])[b, c])
                await peer.WaitForStderrAsync(line => line.StartsWith("p2pchat: link to A closed (", StringComparison.Ordinal), "'p2pchat: link to A closed (...)'");
            // While A is down B and C go on, and keep trying A's address (the one they joined through) with backoff.
            var whileDown = new Delivery();
            await whileDown.SayAsync(b, "B while A is down");
            await whileDown.SayAsync(c, "C while A is down");
            await whileDown.WaitUntilAllArrivedAsync([b, c], "B and C to print each other's line while A is down", Wait.Default);
            if (extraSecondsDown > 0)
                await Task.Delay(TimeSpan.FromSeconds(extraSecondsDown));

            TimeSpan downFor = down.Elapsed;
            var clock = Stopwatch.StartNew();
            restarted = await ChatProcess.StartListeningAsync("A (restarted)", bootstrapArgs, joins: false);
            var after = new Delivery();
            await after.SayAsync(restarted, "A is back");
            await after.SayAsync(b, "B after the restart");
            await after.SayAsync(c, "C after the restart");
            ChatProcess[] now = [restarted, b, c];
            await Wait.UntilAsync(
                () => after.Check(now).AllArrived && b.Neighbours.Contains("A") && c.Neighbours.Contains("A"),
                "the restarted A to be linked to by B and C, and A, B and C to print each other's lines",
                () => $"{after.Check(now)}\nlinks: {Topology.Describe(now)}\n{Topology.DescribeAll([first, .. now])}",
                RejoinDeadline);
            TimeSpan rejoined = clock.Elapsed;
            Console.WriteLine($"[restart, A down {Ms(downFor)}] A restarted on port {port} -> B and C linked to it and all lines exchanged: {Ms(rejoined)}");

            string everything = Topology.DescribeAll([first, .. now]);
            await Assert.That(after.Check(now).IsExact).IsTrue().Because($"{after.Check(now)}\n{everything}");
            foreach (ChatProcess peer in now)
                await Assert.That(Delivery.RepeatedLines(peer)).IsEmpty().Because($"{peer.Label} printed a line twice\n{everything}");
        }
        finally
        {
            if (restarted is not null)
                await restarted.DisposeAsync();
        }
    }


    private static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:0} ms";

    /// <summary>Disposes a group of processes together.</summary>
    private sealed class Disposer(ChatProcess[] processes) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await Task.WhenAll(processes.Select(p => p.DisposeAsync().AsTask()));
    }
}
