// The static build's name resolution (HostResolver): /etc/hosts read here, and the hosts line of nsswitch.conf read
// for the modules a static glibc must never load (DnsClientTests has the DNS side). The static binary itself is run
// against such setups by tools/portability.sh.
using System.Net;
using P2PChat.Net;

namespace P2PChat.Tests.Unit;

public class HostResolverTests
{
    private const string Hosts = "127.0.0.1\tlocalhost\n::1 localhost ip6-localhost # loopback\n# 10.0.0.9 commented\n10.1.2.3 Lab-Host lab\nnot-an-address foo\n";

    [Test]
    public async Task The_hosts_file_gives_every_address_of_a_name_ignoring_case_comments_and_junk()
    {
        await Assert.That(HostResolver.FromHostsFile(Hosts, "localhost").Select(a => a.ToString())).IsEquivalentTo(["127.0.0.1", "::1"]);
        await Assert.That(HostResolver.FromHostsFile(Hosts, "LAB").Single()).IsEqualTo(IPAddress.Parse("10.1.2.3"));
        await Assert.That(HostResolver.FromHostsFile(Hosts, "commented")).IsEmpty();
        await Assert.That(HostResolver.FromHostsFile(Hosts, "foo")).IsEmpty();
    }

    [Test]
    [Arguments("hosts: files dns", "")]
    [Arguments("passwd: files sss\nhosts:          files sss dns\n", "sss")]
    [Arguments("hosts: files mdns4_minimal [NOTFOUND=return] dns myhostname", "mdns4_minimal,myhostname")]
    [Arguments("hosts: files [ NOTFOUND=return ] dns", "")]
    [Arguments("# hosts: sss\n", "")]
    [Arguments("", "")]
    public async Task Only_services_other_than_files_and_dns_on_the_hosts_line_count_as_foreign(string nsswitch, string foreign)
    {
        await Assert.That(string.Join(",", HostResolver.ForeignServices(nsswitch))).IsEqualTo(foreign);
    }

    [Test]
    [Arguments("hosts: files sss dns", true)]
    [Arguments("hosts: files mdns4_minimal [NOTFOUND=return] dns", true)]
    [Arguments("hosts: files myhostname", false)]
    [Arguments("hosts: files [ dns ]", false)]
    [Arguments("passwd: files\n", true)]
    [Arguments("", true)]
    public async Task The_dynamic_build_asks_dns_itself_after_the_system_resolver_only_where_the_hosts_line_names_dns(string nsswitch, bool lists)
    {
        await Assert.That(HostResolver.ListsDns(nsswitch)).IsEqualTo(lists);
    }

    [Test]
    public async Task The_static_build_takes_a_name_from_the_hosts_file_before_anything_else()
    {
        string dir = Directory.CreateTempSubdirectory("p2pchat-resolver-").FullName;
        string hosts = Path.Combine(dir, "hosts"), nsswitch = Path.Combine(dir, "nsswitch.conf");
        await File.WriteAllTextAsync(hosts, Hosts);
        await File.WriteAllTextAsync(nsswitch, "hosts: files sss dns\n");
        try
        {
            IPAddress[] listed = await HostResolver.ResolveStaticAsync("lab", CancellationToken.None, hosts, nsswitch);
            await Assert.That(listed.Single()).IsEqualTo(IPAddress.Parse("10.1.2.3"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
