// The command line end to end through Program.RunAsync, for refusals only: a valid set of words would start the
// chat. The network failures go through ChatApp, which prints to the real Console.Error, so those assert the exit
// code alone; each of them fails before stdin is read.
using System.Net;
using System.Net.Sockets;

namespace P2PChat.Tests;

public class CommandLineTests
{
    private sealed record Run(int ExitCode, string Out, string Err);

    private static async Task<Run> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = await Program.RunAsync(args, stdout, stderr).WaitAsync(TimeSpan.FromSeconds(10));
        return new Run(exit, stdout.ToString(), stderr.ToString());
    }

    private static async Task AssertOneErrorLine(Run run, string mentions)
    {
        string[] lines = run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        await Assert.That(run.ExitCode).IsEqualTo(Program.ExitUsage).Because($"stderr was: {run.Err}");
        await Assert.That(lines.Length).IsEqualTo(1).Because($"stderr was: {run.Err}");
        await Assert.That(run.Err).StartsWith("p2pchat: ");
        await Assert.That(run.Err).EndsWith("\n");
        await Assert.That(run.Err).Contains(mentions);
        await Assert.That(run.Out).IsEmpty();
    }

    /// <summary>A 127.0.0.1 port that is listening (held by the returned listener) for as long as the caller keeps it.</summary>
    private static TcpListener BusyPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    /// <summary>A 127.0.0.1 port nobody listens on (bound, then released).</summary>
    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    [Test]
    public async Task No_arguments_exit_2_with_one_line_asking_for_a_name()
    {
        await AssertOneErrorLine(await RunAsync(), "NAME");
    }

    [Test]
    [Arguments(new[] { "alice", "h", "0" }, "'0'")]
    [Arguments(new[] { "alice", "h", "65536" }, "'65536'")]
    [Arguments(new[] { "alice", "h", "abc" }, "'abc'")]
    [Arguments(new[] { "alice", "--port", "abc" }, "--port 'abc'")]
    [Arguments(new[] { "alice", "-p", "70000" }, "--port '70000'")]
    [Arguments(new[] { "alice", "5000" }, "looks like a port")]
    [Arguments(new[] { "alice", "--bind", "nowhere" }, "--bind 'nowhere'")]
    [Arguments(new[] { "alice", "--peer", "::1:5" }, "--peer '::1:5'")]
    [Arguments(new[] { "a\u0007b" }, "'a^Gb'")]
    public async Task Bad_values_exit_2_with_one_line(string[] args, string mentions)
    {
        await AssertOneErrorLine(await RunAsync(args), mentions);
    }

    [Test]
    public async Task Option_without_its_value_exits_2_with_one_line()
    {
        await AssertOneErrorLine(await RunAsync("alice", "--port"), "--port");
    }

    [Test]
    public async Task Surplus_positional_exits_2_with_one_line()
    {
        await AssertOneErrorLine(await RunAsync("alice", "no-such-host.invalid", "5000", "extra", "--bind", "127.0.0.1"), "extra");
    }

    [Test]
    public async Task Unknown_option_exits_2_with_one_line()
    {
        // The busy listen port is a safety net: if "--frob" were taken for something else and the chat started,
        // it fails at once (exit 1) instead of reading the test host's stdin.
        using TcpListener busy = BusyPort();
        string port = ((IPEndPoint)busy.LocalEndpoint).Port.ToString();

        await AssertOneErrorLine(await RunAsync("--frob", "--bind", "127.0.0.1", "--port", port), "--frob");
    }

    [Test]
    public async Task Unknown_option_after_the_name_exits_2_with_one_line_about_the_option()
    {
        Run run = await RunAsync("alice", "--frob");

        await AssertOneErrorLine(run, "--frob");
        await Assert.That(run.Err).DoesNotContain("needs a port").Because($"'--frob' is not a host; stderr was: {run.Err}");
    }

    [Test]
    public async Task Help_exits_0_and_describes_the_options()
    {
        Run run = await RunAsync("--help");

        await Assert.That(run.ExitCode).IsEqualTo(0);
        await Assert.That(run.Out).Contains("--peer");
        await Assert.That(run.Out).Contains("--port");
        await Assert.That(run.Err).IsEmpty();
    }

    [Test]
    public async Task Version_exits_0_and_prints_it()
    {
        Run run = await RunAsync("--version");

        // In process the version is the entry assembly's (the test host's), so only its presence is checked.
        await Assert.That(run.ExitCode).IsEqualTo(0);
        await Assert.That(run.Out.Trim()).IsNotEmpty();
        await Assert.That(run.Out.Count(c => c == '\n')).IsEqualTo(1);
        await Assert.That(run.Err).IsEmpty();
    }

    [Test]
    public async Task Listen_port_already_in_use_exits_1()
    {
        using TcpListener busy = BusyPort();
        string port = ((IPEndPoint)busy.LocalEndpoint).Port.ToString();

        Run run = await RunAsync("x", "--bind", "127.0.0.1", "--port", port);

        await Assert.That(run.ExitCode).IsEqualTo(1);
    }

    [Test]
    public async Task Host_that_does_not_resolve_exits_1()
    {
        Run run = await RunAsync("x", "no-such-host.invalid", "5000", "--bind", "127.0.0.1");

        await Assert.That(run.ExitCode).IsEqualTo(1);
    }

    [Test]
    public async Task Nobody_listening_at_the_address_exits_1()
    {
        Run run = await RunAsync("x", "127.0.0.1", FreePort().ToString(), "--bind", "127.0.0.1");

        await Assert.That(run.ExitCode).IsEqualTo(1);
    }
}
