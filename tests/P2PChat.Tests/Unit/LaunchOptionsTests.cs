// Validation of the raw command-line words (LaunchOptions.TryCreate) and of HOST:PORT peer addresses: what is
// accepted, what is refused, and that every refusal is one line naming the bad value.
using System.Net;
using P2PChat.Ui;

namespace P2PChat.Tests;

public class LaunchOptionsTests
{
    private static string? Create(string? name, string? host = null, string? port = null, string? listenPort = null,
        string? bind = null, string? peer = null) =>
        LaunchOptions.TryCreate(name, host, port, listenPort, bind, peer is null ? [] : [peer], links: null, history: null, json: false, out _);

    [Test]
    public async Task Name_alone_is_accepted_with_defaults()
    {
        string? error = LaunchOptions.TryCreate("alice", null, null, null, null, [], links: null, history: null, json: false, out LaunchOptions options);

        await Assert.That(error).IsNull();
        await Assert.That(options.Name).IsEqualTo("alice");
        await Assert.That(options.Join.Count).IsEqualTo(0);
        await Assert.That(options.ListenPort).IsEqualTo(0);
        await Assert.That(options.Bind).IsEqualTo(IPAddress.IPv6Any);
        await Assert.That(options.Json).IsFalse();
    }

    [Test]
    [Arguments("🙂🙂🙂🙂🙂🙂🙂🙂")] // 8 x 4 bytes
    [Arguments("李李李李李李李李李李ab")] // 10 x 3 + 2 bytes
    [Arguments("abcdefghijklmnopqrstuvwxyz012345")]
    [Arguments("Zoë")]
    [Arguments("a b")]
    public async Task Name_of_up_to_32_utf8_bytes_is_accepted(string name)
    {
        string? error = LaunchOptions.TryCreate(name, null, null, null, null, [], links: null, history: null, json: false, out LaunchOptions options);

        await Assert.That(error).IsNull();
        await Assert.That(options.Name).IsEqualTo(name);
    }

    [Test]
    public async Task Host_port_and_peers_are_joined_in_the_order_given()
    {
        string? error = LaunchOptions.TryCreate("alice", "example.org", "5000", "0", "127.0.0.1", ["h:1", "[::1]:5"], links: null, history: null, json: true,
            out LaunchOptions options);

        await Assert.That(error).IsNull();
        await Assert.That(string.Join(" ", options.Join)).IsEqualTo("example.org:5000 h:1 [::1]:5");
        await Assert.That(options.Join[2].Host).IsEqualTo("::1");
        await Assert.That(options.ListenPort).IsEqualTo(0);
        await Assert.That(options.Bind).IsEqualTo(IPAddress.Loopback);
        await Assert.That(options.Json).IsTrue();
    }

    [Test]
    [Arguments("0", 0)]
    [Arguments("1", 1)]
    [Arguments("65535", 65535)]
    public async Task Listen_port_from_0_to_65535_is_accepted(string listenPort, int expected)
    {
        string? error = LaunchOptions.TryCreate("alice", null, null, listenPort, null, [], links: null, history: null, json: false, out LaunchOptions options);

        await Assert.That(error).IsNull();
        await Assert.That(options.ListenPort).IsEqualTo(expected);
    }

    [Test]
    [Arguments("::1")]
    [Arguments("0.0.0.0")]
    [Arguments("::")]
    [Arguments("127.0.0.1")]
    [Arguments("10.20.30.255")]
    [Arguments("::ffff:127.0.0.1")]
    public async Task Bind_to_an_ip_literal_is_accepted(string bind)
    {
        string? error = LaunchOptions.TryCreate("alice", null, null, null, bind, [], links: null, history: null, json: false, out LaunchOptions options);

        await Assert.That(error).IsNull();
        await Assert.That(options.Bind).IsEqualTo(IPAddress.Parse(bind));
    }

    [Test]
    // name, host, port, --port, --bind, --peer, what the message must mention
    [Arguments(null, null, null, null, null, null, "missing NAME")]
    [Arguments("", null, null, null, null, null, "missing NAME")]
    [Arguments("a\u0007b", null, null, null, null, null, "'a^Gb'")]
    [Arguments("a\nb", null, null, null, null, null, "'a^Jb'")]
    [Arguments("esc\u001b[2J", null, null, null, null, null, "'esc^[[2J'")]
    [Arguments("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", null, null, null, null, null, "33 bytes")]
    [Arguments("李李李李李李李李李李李", null, null, null, null, null, "'李李李李李李李李李李李'")] // 33 bytes
    [Arguments(" alice", null, null, null, null, null, "space")]
    [Arguments("alice", "example.org", null, null, null, null, "'example.org' needs a port")]
    [Arguments("alice", "5000", null, null, null, null, "'5000' looks like a port")]
    [Arguments("alice", "h", "0", null, null, null, "'0'")]
    [Arguments("alice", "h", "65536", null, null, null, "'65536'")]
    [Arguments("alice", "h", "abc", null, null, null, "'abc'")]
    [Arguments("alice", "h", "-1", null, null, null, "'-1'")]
    [Arguments("alice", "h", "+5", null, null, null, "'+5'")]
    [Arguments("alice", "h", " 5", null, null, null, "' 5'")]
    [Arguments("alice", "h", "99999999999", null, null, null, "'99999999999'")]
    [Arguments("alice", null, null, "65536", null, null, "--port '65536'")]
    [Arguments("alice", null, null, "abc", null, null, "--port 'abc'")]
    [Arguments("alice", null, null, "-1", null, null, "--port '-1'")]
    [Arguments("alice", null, null, "", null, null, "--port ''")]
    [Arguments("alice", null, null, null, "localhost", null, "--bind 'localhost'")]
    [Arguments("alice", null, null, null, "not-an-ip", null, "--bind 'not-an-ip'")]
    [Arguments("alice", null, null, null, "", null, "--bind ''")]
    [Arguments("alice", null, null, null, "5000", null, "--bind '5000'")] // was bound as 0.0.19.136
    [Arguments("alice", null, null, null, "127.1", null, "--bind '127.1'")]
    [Arguments("alice", null, null, null, "0x7f.0.0.1", null, "--bind '0x7f.0.0.1'")]
    [Arguments("alice", null, null, null, "010.0.0.1", null, "--bind '010.0.0.1'")]
    [Arguments("alice", null, null, null, "1.2.3.256", null, "--bind '1.2.3.256'")]
    [Arguments("alice", null, null, null, null, "::1:5", "--peer '::1:5'")]
    [Arguments("alice", null, null, null, null, "h", "--peer 'h'")]
    [Arguments("alice", null, null, null, null, "h:0", "--peer 'h:0'")]
    [Arguments("alice", null, null, null, null, "h:65536", "--peer 'h:65536'")]
    [Arguments("alice", null, null, null, null, ":5", "--peer ':5'")]
    public async Task Bad_words_are_refused_with_one_line_naming_the_value(string? name, string? host, string? port,
        string? listenPort, string? bind, string? peer, string mentions)
    {
        string? error = Create(name, host, port, listenPort, bind, peer);

        await Assert.That(error).IsNotNull();
        await Assert.That(error!).Contains(mentions);
        await Assert.That(error!).DoesNotContain('\n');
        await Assert.That(error!.Any(c => char.IsControl(c))).IsFalse().Because($"message was: {error}");
    }

    [Test]
    public async Task Positional_port_with_a_trailing_newline_still_gives_one_line()
    {
        // int.TryParse accepts trailing white space, so "5000\n" takes the "looks like a port" branch.
        string? error = Create("alice", "5000\n");

        await Assert.That(error).IsNotNull();
        await Assert.That(error!).Contains("5000");
        await Assert.That(error!.Any(c => char.IsControl(c))).IsFalse().Because($"message was: {error}");
    }

    [Test]
    [Arguments("h:1", "h", 1)]
    [Arguments("example.org:65535", "example.org", 65535)]
    [Arguments("10.0.0.1:80", "10.0.0.1", 80)]
    [Arguments("[::1]:5", "::1", 5)]
    [Arguments("[fe80::1%eth0]:7", "fe80::1%eth0", 7)]
    public async Task Peer_address_is_parsed(string text, string host, int port)
    {
        string? error = PeerAddress.TryParse(text, out PeerAddress? address);

        await Assert.That(error).IsNull();
        await Assert.That(address).IsEqualTo(new PeerAddress(host, port));
        await Assert.That(address!.ToString()).IsEqualTo(text);
    }

    [Test]
    [Arguments("h", "HOST:PORT")]
    [Arguments("", "HOST:PORT")]
    [Arguments("::1:5", "[ADDRESS]:PORT")]
    [Arguments("::1", "[ADDRESS]:PORT")]
    [Arguments("[::1]", "[ADDRESS]:PORT")]
    [Arguments("[::1]5", "[ADDRESS]:PORT")]
    [Arguments("h:0", "1 to 65535")]
    [Arguments("h:", "1 to 65535")]
    [Arguments("h:abc", "1 to 65535")]
    [Arguments("h:-1", "1 to 65535")]
    [Arguments("h:65536", "1 to 65535")]
    [Arguments("[::1]:0", "1 to 65535")]
    [Arguments(":5", "host is empty")]
    [Arguments("[]:5", "host is empty")]
    public async Task Bad_peer_address_is_refused(string text, string mentions)
    {
        string? error = PeerAddress.TryParse(text, out PeerAddress? address);

        await Assert.That(address).IsNull();
        await Assert.That(error).IsNotNull();
        await Assert.That(error!).Contains(mentions);
        await Assert.That(error!).DoesNotContain('\n');
    }
}
