// Host names to addresses for JoinAsync. The dynamic build asks the system resolver (getaddrinfo), which follows
// /etc/nsswitch.conf with the host's own NSS modules. The static build (build.sh --release) cannot: a static glibc
// that meets a module other than its built-in "files" and "dns" on the hosts line of nsswitch.conf (sss on university
// logins, mdns4_minimal on Ubuntu desktops, myhostname, resolve) loads that module and the host's shared libc into
// itself and dies without a message (SIGSEGV on Debian 12, SIGFPE on 13, an assertion on 11). So the static build
// never calls getaddrinfo: it reads /etc/hosts, then asks the DNS servers of /etc/resolv.conf itself (DnsClient), as
// Go's pure resolver does. Only what a module alone could answer is refused, in one line: a ".local" name where the
// hosts line sends it to mDNS. The dynamic build asks DnsClient too when getaddrinfo fails and the hosts line lists
// dns: on Debian 11 with "hosts: files sss dns" and sssd not running, glibc 2.31 gives up at the sss module and never
// asks DNS (tools/portability.sh, dyn-bullseye-sss-dns, with the sysroot Debian serves on 2026-11-30).
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace P2PChat.Net;

internal static class HostResolver
{
    /// <summary>Set in the static build's runtime configuration (p2pchat.csproj), and to false in every other build, so
    /// that ILC takes it for a constant and leaves getaddrinfo out of the static binary.</summary>
    [FeatureSwitchDefinition("P2PChat.StaticBuild")]
    public static bool StaticBuild => AppContext.TryGetSwitch("P2PChat.StaticBuild", out bool on) && on;

    /// <summary>The services glibc has built in, which a static binary can use without loading anything.</summary>
    private static readonly string[] BuiltIn = ["files", "dns"];

    /// <summary>The addresses of <paramref name="host"/> the way this build may look them up. Throws
    /// ChatNetworkException saying why there are none.</summary>
    public static Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancel) =>
        StaticBuild ? ResolveStaticAsync(host, cancel) : ResolveSystemAsync(host, cancel);

    /// <summary>The static build's lookup: /etc/hosts, then DNS asked by DnsClient; never getaddrinfo.</summary>
    public static async Task<IPAddress[]> ResolveStaticAsync(string host, CancellationToken cancel, string hostsPath = "/etc/hosts",
        string nsswitchPath = "/etc/nsswitch.conf", string resolvPath = "/etc/resolv.conf", int dnsPort = 53)
    {
        IPAddress[] listed = FromHostsFile(ReadOrEmpty(hostsPath), host);
        if (listed.Length > 0)
            return listed;
        if (IsMdnsName(host)
            && ForeignServices(ReadOrEmpty(nsswitchPath)).FirstOrDefault(s => s.StartsWith("mdns", StringComparison.Ordinal)) is { } mdns)
            throw new ChatNetworkException($"cannot resolve host '{host}' in the static build: {nsswitchPath} sends .local names "
                + $"to {mdns} (multicast DNS), which only the dynamic build can load; give an IP address, list the name in "
                + "/etc/hosts, or run the dynamic p2pchat");
        return await AskDnsAsync(host, cancel, resolvPath, dnsPort).ConfigureAwait(false);
    }

    /// <summary>The DNS servers of <paramref name="resolvPath"/>, asked by our own client (DnsClient).</summary>
    private static Task<IPAddress[]> AskDnsAsync(string host, CancellationToken cancel, string resolvPath = "/etc/resolv.conf", int dnsPort = 53) =>
        new DnsClient(ResolvConf.Parse(ReadOrEmpty(resolvPath)), dnsPort).ResolveAsync(host, cancel);

    /// <summary>A ".local" name: one for multicast DNS, which only an NSS module answers.</summary>
    private static bool IsMdnsName(string host) => host.TrimEnd('.').EndsWith(".local", StringComparison.OrdinalIgnoreCase);

    /// <summary>The dynamic build's lookup: the system resolver, with the host's own NSS modules; if it fails, the DNS
    /// servers of /etc/resolv.conf asked directly, when the hosts line lists dns (and the name is not one for mDNS).</summary>
    private static async Task<IPAddress[]> ResolveSystemAsync(string host, CancellationToken cancel)
    {
        try
        {
            return await Dns.GetHostAddressesAsync(host, cancel).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            if (!IsMdnsName(host) && ListsDns(ReadOrEmpty("/etc/nsswitch.conf")))
            {
                try
                {
                    return await AskDnsAsync(host, cancel).ConfigureAwait(false);
                }
                catch (ChatNetworkException)
                {
                    // DNS does not know it either: the system resolver's answer stands
                }
            }
            throw new ChatNetworkException($"cannot resolve host '{host}'");
        }
    }

    /// <summary>Whether the hosts line of nsswitch.conf (its text) names dns; true without a hosts line (glibc's default).</summary>
    public static bool ListsDns(string text) => HostsServices(text) is not { } services || services.Contains("dns");

    /// <summary>The addresses /etc/hosts (its text) gives <paramref name="host"/>: every line "ADDRESS NAME ALIASES...",
    /// names compared without case, "#" starting a comment.</summary>
    public static IPAddress[] FromHostsFile(string text, string host)
    {
        var found = new List<IPAddress>();
        foreach (string raw in text.Split('\n'))
        {
            int hash = raw.IndexOf('#');
            string[] words = (hash >= 0 ? raw[..hash] : raw).Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 2 || !IPAddress.TryParse(words[0], out IPAddress? address))
                continue;
            for (int i = 1; i < words.Length; i++)
                if (string.Equals(words[i], host, StringComparison.OrdinalIgnoreCase) && !found.Contains(address))
                    found.Add(address);
        }
        return [.. found];
    }

    /// <summary>The services on the hosts line of nsswitch.conf (its text) other than the built-in ones, in order;
    /// empty when there is no hosts line (glibc then uses dns and files).</summary>
    public static string[] ForeignServices(string text) =>
        HostsServices(text) is { } services ? [.. services.Where(s => !BuiltIn.Contains(s))] : [];

    /// <summary>The services on the hosts line of nsswitch.conf (its text), in order, without actions such as
    /// [NOTFOUND=return]; null when there is no hosts line.</summary>
    private static string[]? HostsServices(string text)
    {
        foreach (string raw in text.Split('\n'))
        {
            int hash = raw.IndexOf('#');
            string line = (hash >= 0 ? raw[..hash] : raw).Trim();
            if (!line.StartsWith("hosts:", StringComparison.Ordinal))
                continue;
            var services = new List<string>();
            int depth = 0; // inside [NOTFOUND=return]-like actions, which are not services
            foreach (string word in line["hosts:".Length..].Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries))
            {
                bool action = depth > 0 || word.StartsWith('[');
                depth += word.Count(c => c == '[') - word.Count(c => c == ']');
                if (!action && !services.Contains(word))
                    services.Add(word);
            }
            return [.. services];
        }
        return null;
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
