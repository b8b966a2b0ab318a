// The static build's own DNS resolver (ResolvConf, DnsMessage, DnsClient): resolv.conf read as glibc reads it,
// answers from a server on a loopback port, and answers from a hostile server that must never crash or loop us.
// tools/portability.sh runs the static binary against dnsmasq in a network namespace.
using System.Buffers.Binary;
using System.Net;
using P2PChat.Net;

namespace P2PChat.Tests.Unit;

public class DnsClientTests
{
    private static ResolvConf Conf(string text = "", params IPAddress[] servers) =>
        ResolvConf.Parse(text) with { Servers = servers.Length > 0 ? servers : [IPAddress.Loopback], Timeout = TimeSpan.FromMilliseconds(300), Attempts = 1 };

    [Test]
    public async Task Resolv_conf_gives_up_to_three_servers_the_last_search_line_and_the_options_glibc_reads()
    {
        ResolvConf conf = ResolvConf.Parse("""
            # comment
            nameserver 10.0.0.1
            nameserver fe80::1 ; trailing comment
            nameserver not-an-address
            nameserver 10.0.0.3
            nameserver 10.0.0.4
            domain old.example
            search lab.example. campus.example
            options ndots:2 timeout:0 attempts:9 rotate
            """);
        await Assert.That(conf.Servers.Select(s => s.ToString())).IsEquivalentTo(["10.0.0.1", "fe80::1", "10.0.0.3"]);
        await Assert.That(conf.Search).IsEquivalentTo(["lab.example", "campus.example"]);
        await Assert.That(conf.Ndots).IsEqualTo(2);
        await Assert.That(conf.Timeout).IsEqualTo(TimeSpan.FromSeconds(1));
        await Assert.That(conf.Attempts).IsEqualTo(5);

        ResolvConf empty = ResolvConf.Parse("");
        await Assert.That(empty.Servers.Select(s => s.ToString())).IsEquivalentTo(["127.0.0.1", "::1"]);
        await Assert.That(empty.Timeout).IsEqualTo(TimeSpan.FromSeconds(5));
    }

    [Test]
    public async Task A_short_name_is_tried_with_the_search_domains_first_and_a_dotted_one_as_it_is_first()
    {
        ResolvConf conf = ResolvConf.Parse("search a.test b.test\noptions ndots:1");
        await Assert.That(conf.Candidates("pc7")).IsEquivalentTo(["pc7.a.test", "pc7.b.test", "pc7"]);
        await Assert.That(conf.Candidates("pc7.lab")).IsEquivalentTo(["pc7.lab", "pc7.lab.a.test", "pc7.lab.b.test"]);
        await Assert.That(conf.Candidates("pc7.")).IsEquivalentTo(["pc7"]);
    }

    [Test]
    public async Task A_name_resolves_to_its_ipv4_and_ipv6_addresses_through_a_cname()
    {
        using var server = new FakeDnsServer();
        server.Records["lab-peer.test"] = "pc7.lab.test";
        server.Records["pc7.lab.test"] = new[] { IPAddress.Parse("10.9.8.7"), IPAddress.Parse("fd00::7") };
        IPAddress[] found = await new DnsClient(Conf(), server.Port).ResolveAsync("Lab-Peer.test", CancellationToken.None);
        await Assert.That(found.Select(a => a.ToString())).IsEquivalentTo(["10.9.8.7", "fd00::7"]);
        await Assert.That(server.Asked).Contains("Lab-Peer.test A").And.Contains("Lab-Peer.test AAAA");
    }

    [Test]
    public async Task A_short_name_is_found_under_a_search_domain()
    {
        using var server = new FakeDnsServer();
        server.Records["pc7.campus.test"] = new[] { IPAddress.Parse("10.1.1.7") };
        IPAddress[] found = await new DnsClient(Conf("search lab.test campus.test"), server.Port).ResolveAsync("pc7", CancellationToken.None);
        await Assert.That(found.Single()).IsEqualTo(IPAddress.Parse("10.1.1.7"));
        await Assert.That(server.Asked.First()).IsEqualTo("pc7.lab.test A");
    }

    [Test]
    public async Task A_silent_server_is_passed_over_for_the_next_one_and_an_unknown_name_says_so()
    {
        using var silent = new FakeDnsServer { Silent = true };
        using var server = new FakeDnsServer();
        server.Records["pc7.test"] = new[] { IPAddress.Parse("10.1.1.7") };
        // Two servers on one port number are not possible here, so the silent one is 127.0.0.2 on the answering port,
        // where nobody listens: the kernel's "port unreachable" ends that wait at once; the timeout covers a drop.
        var client = new DnsClient(Conf("", IPAddress.Parse("127.0.0.2"), IPAddress.Loopback), server.Port);
        await Assert.That((await client.ResolveAsync("pc7.test", CancellationToken.None)).Single()).IsEqualTo(IPAddress.Parse("10.1.1.7"));

        var unknown = await Assert.ThrowsAsync<ChatNetworkException>(() => client.ResolveAsync("nobody.test", CancellationToken.None));
        await Assert.That(unknown!.Message).IsEqualTo("cannot resolve host 'nobody.test': no such name (asked 127.0.0.2, 127.0.0.1)");

        var unanswered = await Assert.ThrowsAsync<ChatNetworkException>(
            () => new DnsClient(Conf(), silent.Port).ResolveAsync("pc7.test", CancellationToken.None));
        await Assert.That(unanswered!.Message).StartsWith("cannot resolve host 'pc7.test': no DNS server answered (asked 127.0.0.1");
        await Assert.That(silent.Asked.Count).IsGreaterThanOrEqualTo(2);
    }

    [Test]
    public async Task A_name_that_is_not_a_dns_name_is_refused_before_anything_is_sent()
    {
        var client = new DnsClient(Conf(), 9);
        foreach (string bad in new[] { "a..b", new string('x', 64) + ".test", "caf\u00e9.test", "" })
        {
            var refused = await Assert.ThrowsAsync<ChatNetworkException>(() => client.ResolveAsync(bad, CancellationToken.None));
            await Assert.That(refused!.Message).EndsWith("not a valid DNS name");
        }
    }

    /// <summary>A valid answer for "pc7.test" A: two addresses, the second record's owner compressed.</summary>
    private static byte[] Answer(ushort id)
    {
        var bytes = new byte[512];
        int length = DnsMessage.WriteQuery(bytes, id, "pc7.test", DnsMessage.TypeA);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), 0x8180);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(6), 2);
        foreach (byte last in new byte[] { 1, 2 })
        {
            byte[] record = [0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, last];
            record.CopyTo(bytes, length);
            length += record.Length;
        }
        return bytes[..length];
    }

    [Test]
    public async Task An_answer_with_another_id_a_pointer_forward_a_pointer_loop_or_a_record_past_its_end_gives_nothing()
    {
        var found = new List<IPAddress>();
        byte[] good = Answer(7);
        await Assert.That(DnsMessage.ReadAnswer(good, 7, "pc7.test", DnsMessage.TypeA, found)).IsEqualTo(DnsMessage.Outcome.Answer);
        await Assert.That(found.Select(a => a.ToString())).IsEquivalentTo(["10.0.0.1", "10.0.0.2"]);

        await Assert.That(DnsMessage.ReadAnswer(good, 8, "pc7.test", DnsMessage.TypeA, found)).IsEqualTo(DnsMessage.Outcome.NotOurs);
        await Assert.That(DnsMessage.ReadAnswer(good, 7, "pc8.test", DnsMessage.TypeA, found)).IsEqualTo(DnsMessage.Outcome.NotOurs);

        byte[] forward = (byte[])good.Clone();
        forward[26 + 1] = 200; // the first record's owner points past itself
        byte[] loop = (byte[])good.Clone();
        loop[26] = 0xC0;
        loop[27] = 26; // the first record's owner points at itself
        byte[] cut = good[..^2];
        foreach (byte[] bad in new[] { forward, loop, cut })
        {
            found.Clear();
            await Assert.That(DnsMessage.ReadAnswer(bad, 7, "pc7.test", DnsMessage.TypeA, found)).IsEqualTo(DnsMessage.Outcome.NotOurs);
            await Assert.That(found).IsEmpty();
        }
    }

    [Test]
    public async Task Random_damage_to_an_answer_never_throws_and_never_gives_more_than_the_cap()
    {
        byte[] good = Answer(7);
        var random = new Random(42);
        var found = new List<IPAddress>();
        int answers = 0;
        for (int i = 0; i < 50_000; i++)
        {
            byte[] bad = random.Next(4) == 0 ? good[..random.Next(good.Length)] : (byte[])good.Clone();
            for (int flips = random.Next(1, 4); flips > 0 && bad.Length > 0; flips--)
                bad[random.Next(bad.Length)] = (byte)random.Next(256);
            found.Clear();
            if (DnsMessage.ReadAnswer(bad, 7, "pc7.test", DnsMessage.TypeA, found) == DnsMessage.Outcome.Answer)
                answers++;
            if (found.Count > 2)
                throw new InvalidOperationException($"case {i}: {found.Count} addresses from {Convert.ToHexString(bad)}");
        }
        await Assert.That(answers).IsGreaterThan(0);
    }

    [Test]
    public async Task The_static_build_asks_dns_itself_where_nsswitch_names_sss_and_refuses_only_a_local_name_meant_for_mdns()
    {
        using var server = new FakeDnsServer();
        server.Records["pc7.test"] = new[] { IPAddress.Parse("10.1.1.7") };
        string dir = Directory.CreateTempSubdirectory("p2pchat-dns-").FullName;
        string hosts = Path.Combine(dir, "hosts"), nsswitch = Path.Combine(dir, "nsswitch.conf"), resolv = Path.Combine(dir, "resolv.conf");
        await File.WriteAllTextAsync(hosts, "127.0.0.1 localhost\n");
        await File.WriteAllTextAsync(resolv, "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n");
        try
        {
            await File.WriteAllTextAsync(nsswitch, "hosts: files sss dns\n");
            IPAddress[] found = await HostResolver.ResolveStaticAsync("pc7.test", CancellationToken.None, hosts, nsswitch, resolv, server.Port);
            await Assert.That(found.Single()).IsEqualTo(IPAddress.Parse("10.1.1.7"));

            int asked = server.Asked.Count;
            await File.WriteAllTextAsync(nsswitch, "hosts: files mdns4_minimal [NOTFOUND=return] dns\n");
            var refused = await Assert.ThrowsAsync<ChatNetworkException>(
                () => HostResolver.ResolveStaticAsync("printer.local", CancellationToken.None, hosts, nsswitch, resolv, server.Port));
            await Assert.That(refused!.Message).Contains("to mdns4_minimal (multicast DNS)");
            await Assert.That(server.Asked.Count).IsEqualTo(asked);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
