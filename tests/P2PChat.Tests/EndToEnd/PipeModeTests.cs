// End-to-end tests of pipe mode: the published native binary, several processes on 127.0.0.1, stdin lines in and
// stdout/stderr lines out, exit codes and the one-line errors of bad arguments and network set-up failures.
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace P2PChat.Tests.EndToEnd;

[NotInParallel("e2e")]
public sealed class PipeModeTests
{
    [Test]
    public async Task In_a_line_of_three_each_message_reaches_the_other_two_exactly_once_and_all_exit_0_at_eof()
    {
        await using ChatProcess a = await ChatProcess.StartPeerAsync("a");
        await using ChatProcess b = await ChatProcess.StartPeerAsync("b", a.Port);
        await using ChatProcess c = await ChatProcess.StartPeerAsync("c", b.Port);
        await a.WaitForStderrAsync(line => line.StartsWith("p2pchat: b joined", StringComparison.Ordinal), "'b joined'");
        await b.WaitForStderrAsync(line => line.StartsWith("p2pchat: c joined", StringComparison.Ordinal), "'c joined'");
        ChatProcess[] all = [a, b, c];

        foreach (ChatProcess peer in all)
            await peer.SayAsync($"hello from {peer.Label}");
        foreach (ChatProcess peer in all)
            foreach (ChatProcess other in all.Where(o => o != peer))
                await peer.WaitForStdoutAsync($"{other.Label}: hello from {other.Label}");
        foreach (ChatProcess peer in all)
            peer.CloseStdin();
        int[] codes = await Task.WhenAll(all.Select(peer => peer.WaitForExitAsync()));

        string describeAll = string.Join('\n', all.Select(peer => peer.Describe()));
        await Assert.That(string.Join(' ', all.Select((peer, i) => $"{peer.Label}={codes[i]}")))
            .IsEqualTo("a=0 b=0 c=0").Because(describeAll);
        foreach (ChatProcess peer in all)
        {
            string expected = string.Join(", ", all.Where(o => o != peer).Select(o => $"{o.Label}: hello from {o.Label}"));
            string printed = string.Join(", ", peer.Stdout.Order(StringComparer.Ordinal));
            await Assert.That($"{peer.Label} printed [{printed}]").IsEqualTo($"{peer.Label} printed [{expected}]");
            await AssertNoStackTraceAsync(peer);
        }
    }

    [Test]
    public async Task Lines_piped_in_at_start_up_reach_a_listener_in_order_and_the_sender_exits_0()
    {
        await using ChatProcess listener = await ChatProcess.StartPeerAsync("listener");

        // printf 'one\ntwo\n' | p2pchat ci 127.0.0.1 PORT
        await using ChatProcess ci = ChatProcess.Start("ci", "ci", "127.0.0.1", Port(listener.Port), "--bind", "127.0.0.1", "--port", "0");
        await ci.SayAsync("one");
        await ci.SayAsync("two");
        ci.CloseStdin();
        int code = await ci.WaitForExitAsync();

        await Assert.That(code).IsEqualTo(0).Because(ci.Describe());
        await listener.WaitForStdoutAsync("ci: two");
        string fromCi = string.Join(", ", listener.Stdout.Where(line => line.StartsWith("ci: ", StringComparison.Ordinal)));
        await Assert.That(fromCi).IsEqualTo("ci: one, ci: two");
    }

    [Test]
    public async Task Control_characters_from_a_peer_are_shown_visibly_and_never_written_raw()
    {
        await using ChatProcess a = await ChatProcess.StartPeerAsync("a");
        await using ChatProcess b = await ChatProcess.StartPeerAsync("b", a.Port);

        await b.SayAsync("red \x1b[31malert\x1b[0m and a bell \x07");
        await a.WaitForStdoutAsync("b: red ^[[31malert^[[0m and a bell ^G");

        byte[] raw = a.StdoutBytes;
        await Assert.That(raw.Contains((byte)0x1B)).IsFalse().Because($"stdout held a raw ESC: {a.Describe()}");
        await Assert.That(raw.Contains((byte)0x07)).IsFalse().Because($"stdout held a raw BEL: {a.Describe()}");
    }

    [Test]
    public async Task Json_output_is_one_object_per_line_with_the_message_fields()
    {
        await using ChatProcess a = await ChatProcess.StartPeerAsync("a", null, "--json");
        await using ChatProcess b = await ChatProcess.StartPeerAsync("b", a.Port);

        await b.SayAsync("hi there");
        await Wait.UntilAsync(() => a.Stdout.Any(line => line.Contains("hi there", StringComparison.Ordinal)),
            "a JSON message event on a's stdout", a.Describe);

        List<JsonElement> events = ParseEachLine(a);
        JsonElement join = events.Single(e => e.GetProperty("event").GetString() == "join");
        JsonElement message = events.Single(e => e.GetProperty("event").GetString() == "message");
        string node = message.GetProperty("node").GetString()!;
        await Assert.That(join.GetProperty("name").GetString()).IsEqualTo("b");
        await Assert.That(join.GetProperty("node").GetString()).IsEqualTo(node).Because("the join and the message come from the same node");
        await Assert.That(message.GetProperty("name").GetString()).IsEqualTo("b");
        await Assert.That(message.GetProperty("text").GetString()).IsEqualTo("hi there");
        await Assert.That(node.Length == 16 && node.All(char.IsAsciiHexDigitLower)).IsTrue().Because($"node '{node}' should be 16 hex digits");
        await Assert.That(message.GetProperty("seq").GetUInt64()).IsEqualTo(1UL).Because("it is b's first message");
        await Assert.That(message.GetProperty("id").GetString()).IsEqualTo($"{node}:1");
        string time = message.GetProperty("time").GetString()!;
        await Assert.That(DateTimeOffset.TryParse(time, System.Globalization.CultureInfo.InvariantCulture, out DateTimeOffset sent)).IsTrue()
            .Because($"time '{time}' should be ISO 8601");
        await Assert.That(Math.Abs((DateTimeOffset.UtcNow - sent).TotalMinutes) < 5).IsTrue().Because($"time '{time}' is the sender's clock, which is ours");
    }

    // Regression: options passed to the generated context used to replace its WhenWritingNull, writing every null.
    [Test]
    public async Task Json_message_events_carry_no_fields_that_belong_to_joins_and_leaves()
    {
        await using ChatProcess a = await ChatProcess.StartPeerAsync("a", null, "--json");
        await using ChatProcess b = await ChatProcess.StartPeerAsync("b", a.Port);

        await b.SayAsync("hi there");
        await Wait.UntilAsync(() => a.Stdout.Any(line => line.Contains("hi there", StringComparison.Ordinal)),
            "a JSON message event on a's stdout", a.Describe);

        JsonElement message = ParseEachLine(a).Single(e => e.GetProperty("event").GetString() == "message");
        string fields = string.Join(',', message.EnumerateObject().Select(p => p.Name));
        await Assert.That(fields).IsEqualTo("event,name,node,id,seq,time,text,key").Because(a.Describe());
    }

    [Test]
    public async Task Json_output_escapes_control_characters_and_keeps_the_text_exact()
    {
        await using ChatProcess a = await ChatProcess.StartPeerAsync("a", null, "--json");
        await using ChatProcess b = await ChatProcess.StartPeerAsync("b", a.Port);

        const string text = "esc \x1b[2J tab\tdel\x7f caf\u00e9 \u2603";
        await b.SayAsync(text);
        await Wait.UntilAsync(() => a.Stdout.Any(line => line.Contains("\"message\"", StringComparison.Ordinal)),
            "a JSON message event on a's stdout", a.Describe);

        JsonElement message = ParseEachLine(a).Single(e => e.GetProperty("event").GetString() == "message");
        await Assert.That(message.GetProperty("text").GetString()).IsEqualTo(text);
        byte[] raw = a.StdoutBytes;
        await Assert.That(raw.Any(x => x is 0x1B or 0x7F or (byte)'\t')).IsFalse().Because($"stdout held a raw control byte: {a.Describe()}");
    }

    [Test]
    public async Task A_peer_that_closes_its_stdin_is_announced_as_left_on_its_neighbours_stderr()
    {
        await using ChatProcess a = await ChatProcess.StartPeerAsync("a");
        await using ChatProcess b = await ChatProcess.StartPeerAsync("b", a.Port);
        await a.WaitForStderrAsync(line => line.StartsWith("p2pchat: b joined", StringComparison.Ordinal), "'b joined'");

        b.CloseStdin();

        await Assert.That(await b.WaitForExitAsync()).IsEqualTo(0).Because(b.Describe());
        await a.WaitForStderrAsync(line => line.StartsWith("p2pchat: b left (", StringComparison.Ordinal), "'p2pchat: b left (...)'");
    }

    // SIGTERM, SIGINT (Ctrl-C) and SIGHUP leave as end of input does. Before ShutdownSignals, SIGHUP killed the
    // process without a BYE, and System.CommandLine's own handler could die on a token it had disposed.
    [Test]
    [Arguments(15)]
    [Arguments(2)]
    [Arguments(1)]
    public async Task A_signal_makes_a_pipe_peer_say_goodbye_and_exit_0_without_a_stack_trace(int signal)
    {
        // Under nohup (SIGHUP ignored, and so in every child) p2pchat rightly never sees SIGHUP: .NET leaves a signal
        // ignored at start ignored. Likewise SIGINT in a background job of a non-interactive shell (`cmd &` in a
        // script ignores SIGINT and SIGQUIT). Runs launched those ways failed here after 15 s.
        Skip.When(SignalIgnored(signal), $"signal {signal} is ignored in this process and its children (nohup; a script's background job)");
        await using ChatProcess a = await ChatProcess.StartPeerAsync("a");
        await using ChatProcess b = await ChatProcess.StartPeerAsync("b", a.Port);
        await a.WaitForStderrAsync(line => line.StartsWith("p2pchat: b joined", StringComparison.Ordinal), "'b joined'");

        b.Signal(signal);

        await Assert.That(await b.WaitForExitAsync()).IsEqualTo(0).Because(b.Describe());
        await Assert.That(b.Stderr.Any(line => line.Contains("exception", StringComparison.OrdinalIgnoreCase))).IsFalse().Because(b.Describe());
        await a.WaitForStderrAsync(line => line == "p2pchat: b left (quit)", "'b left (quit)': its BYE");
    }

    [Test]
    [Arguments("", "no arguments")]
    [Arguments("alice 5000", "a port without a host")]
    [Arguments("alice --port 70000", "a listen port above 65535")]
    [Arguments("alice localhost 70000", "a peer port above 65535")]
    [Arguments("alice --frob", "an unknown option")]
    [Arguments("alice localhost 5000 --frob", "an unknown option after HOST PORT")]
    [Arguments("alice --bind not-an-address", "a --bind that is not an IP address")]
    [Arguments("alice --peer nocolon", "a --peer without a port")]
    public async Task Bad_arguments_exit_2_with_one_line_on_stderr(string commandLine, string what)
    {
        await using ChatProcess p = ChatProcess.Start(what, commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        p.CloseStdin();

        int code = await p.WaitForExitAsync();

        await Assert.That(code).IsEqualTo(2).Because(p.Describe());
        await Assert.That(p.Stderr.Count).IsEqualTo(1).Because(p.Describe());
        await Assert.That(p.Stderr[0]).StartsWith("p2pchat: ");
        await Assert.That(p.Stdout.Count).IsEqualTo(0).Because(p.Describe());
        await AssertNoStackTraceAsync(p);
    }

    // Regression: the optional HOST and PORT positionals used to swallow an unknown option ('alice --frob 5000'
    // tried to resolve '--frob').
    [Test]
    [Arguments("alice --frob")]
    [Arguments("alice --frob 5000")]
    public async Task An_unknown_option_is_refused_as_an_option_not_taken_for_a_host(string commandLine)
    {
        await using ChatProcess p = ChatProcess.Start("frob", [.. commandLine.Split(' '), "--bind", "127.0.0.1", "--port", "0"]);
        p.CloseStdin();

        int code = await p.WaitForExitAsync();

        await Assert.That(code).IsEqualTo(2).Because($"'--frob' is a bad argument: {p.Describe()}");
        await Assert.That(p.Stderr.Count).IsEqualTo(1).Because(p.Describe());
        await Assert.That(p.Stderr[0]).Contains("--frob");
        await Assert.That(p.Stderr[0]).DoesNotContain("host").Because($"'--frob' is not a host: {p.Describe()}");
    }

    [Test]
    public async Task An_unresolvable_host_exits_1_with_one_line_naming_it()
    {
        await using ChatProcess p = ChatProcess.Start("x", "x", "no-such-host.invalid", "5000", "--bind", "127.0.0.1", "--port", "0");
        p.CloseStdin();

        int code = await p.WaitForExitAsync();

        await Assert.That(code).IsEqualTo(1).Because(p.Describe());
        string[] errors = ErrorLines(p);
        await Assert.That(errors.Length).IsEqualTo(1).Because(p.Describe());
        await Assert.That(errors[0]).StartsWith("p2pchat: ");
        await Assert.That(errors[0]).Contains("no-such-host.invalid");
        await AssertNoStackTraceAsync(p);
    }

    [Test]
    public async Task Joining_a_port_nobody_listens_on_exits_1_with_one_line()
    {
        int port = LoopbackPort.Free();
        await using ChatProcess p = ChatProcess.Start("x", "x", "127.0.0.1", Port(port), "--bind", "127.0.0.1", "--port", "0");
        p.CloseStdin();

        int code = await p.WaitForExitAsync();

        await Assert.That(code).IsEqualTo(1).Because(p.Describe());
        string[] errors = ErrorLines(p);
        await Assert.That(errors.Length).IsEqualTo(1).Because(p.Describe());
        await Assert.That(errors[0]).StartsWith("p2pchat: ");
        await Assert.That(errors[0]).Contains(Port(port));
        await AssertNoStackTraceAsync(p);
    }

    [Test]
    public async Task A_listen_port_already_in_use_exits_1_with_one_line_naming_the_port()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        int port = ((IPEndPoint)holder.LocalEndpoint).Port;

        await using ChatProcess p = ChatProcess.Start("y", "y", "--port", Port(port), "--bind", "127.0.0.1");
        p.CloseStdin();
        int code = await p.WaitForExitAsync();

        await Assert.That(code).IsEqualTo(1).Because(p.Describe());
        await Assert.That(p.Stderr.Count).IsEqualTo(1).Because(p.Describe());
        await Assert.That(p.Stderr[0]).StartsWith("p2pchat: ");
        await Assert.That(p.Stderr[0]).Contains(Port(port));
        await AssertNoStackTraceAsync(p);
    }

    [Test]
    public async Task A_message_said_with_no_peer_exits_1_and_says_nobody_received_it()
    {
        // echo hi | p2pchat alone
        await using ChatProcess p = ChatProcess.Start("alone", "alone", "--bind", "127.0.0.1", "--port", "0");
        await p.SayAsync("hi");
        p.CloseStdin();

        int code = await p.WaitForExitAsync();

        await Assert.That(code).IsEqualTo(1).Because(p.Describe());
        string[] errors = ErrorLines(p);
        await Assert.That(errors.Length).IsEqualTo(1).Because(p.Describe());
        await Assert.That(errors[0]).Contains("nobody received");
        await AssertNoStackTraceAsync(p);
    }

    [Test]
    public async Task A_peer_alone_that_says_nothing_exits_0_at_eof()
    {
        await using ChatProcess p = await ChatProcess.StartPeerAsync("quiet");
        p.CloseStdin();

        await Assert.That(await p.WaitForExitAsync()).IsEqualTo(0).Because(p.Describe());
        await AssertNoStackTraceAsync(p);
    }

    internal static async Task AssertNoStackTraceAsync(ChatProcess p)
    {
        bool trace = p.Stderr.Concat(p.Stdout).Any(line =>
            line.Contains("   at ", StringComparison.Ordinal) || line.Contains("Exception", StringComparison.Ordinal));
        await Assert.That(trace).IsFalse().Because($"a stack trace was printed: {p.Describe()}");
    }

    /// <summary>Stderr lines other than the start-up "listening on" line.</summary>
    private static string[] ErrorLines(ChatProcess p) =>
        [.. p.Stderr.Where(line => !line.Contains(" listening on ", StringComparison.Ordinal))];

    private static List<JsonElement> ParseEachLine(ChatProcess p)
    {
        var events = new List<JsonElement>();
        foreach (string line in p.Stdout)
        {
            try
            {
                using JsonDocument document = JsonDocument.Parse(line);
                events.Add(document.RootElement.Clone());
            }
            catch (JsonException e)
            {
                throw new InvalidOperationException($"stdout line is not one JSON object ({e.Message}): {line}\n{p.Describe()}", e);
            }
        }
        return events;
    }

    private static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="signal"/> is ignored in this process (/proc/self/status SigIgn), as children
    /// then inherit.</summary>
    private static bool SignalIgnored(int signal)
    {
        string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null
            && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (signal - 1))) != 0;
    }
}
