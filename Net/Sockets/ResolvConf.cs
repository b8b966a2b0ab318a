// What the static build's resolver (DnsClient) takes from /etc/resolv.conf, read as glibc reads it (resolv.conf(5)):
// up to three "nameserver" addresses (none: the local host), the last "search" or "domain" line, and ndots, timeout
// and attempts from "options". Anything else is ignored, as glibc ignores it.
using System.Net;

namespace P2PChat.Net;

internal sealed record ResolvConf(IReadOnlyList<IPAddress> Servers, IReadOnlyList<string> Search, int Ndots, TimeSpan Timeout, int Attempts)
{
    /// <summary>glibc's MAXNS: later nameserver lines are ignored.</summary>
    public const int MaxServers = 3;

    /// <summary>glibc's MAXDNSRCH.</summary>
    public const int MaxSearch = 6;

    public static ResolvConf Parse(string text)
    {
        var servers = new List<IPAddress>();
        IReadOnlyList<string> search = [];
        int ndots = 1, attempts = 2;
        TimeSpan timeout = TimeSpan.FromSeconds(5);
        foreach (string raw in text.Split('\n'))
        {
            int comment = raw.IndexOfAny(['#', ';']);
            string[] words = (comment >= 0 ? raw[..comment] : raw).Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 2)
                continue;
            switch (words[0])
            {
                case "nameserver" when servers.Count < MaxServers && IPAddress.TryParse(words[1], out IPAddress? server):
                    servers.Add(server);
                    break;
                case "search":
                case "domain":
                    search = [.. words.Skip(1).Take(MaxSearch).Select(d => d.TrimEnd('.')).Where(d => d.Length > 0)];
                    break;
                case "options":
                    foreach (string option in words.Skip(1))
                    {
                        // The ranges glibc clamps them to (RES_MAXNDOTS, RES_MAXRETRANS, RES_MAXRETRY).
                        if (Option(option, "ndots:") is { } n)
                            ndots = Math.Min(n, 15);
                        else if (Option(option, "timeout:") is { } t)
                            timeout = TimeSpan.FromSeconds(Math.Clamp(t, 1, 30));
                        else if (Option(option, "attempts:") is { } a)
                            attempts = Math.Clamp(a, 1, 5);
                    }
                    break;
            }
        }
        if (servers.Count == 0)
            servers.AddRange([IPAddress.Loopback, IPAddress.IPv6Loopback]);
        return new ResolvConf(servers, search, ndots, timeout, attempts);
    }

    private static int? Option(string option, string prefix) =>
        option.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(option.AsSpan(prefix.Length), out int value) && value >= 0
            ? value
            : null;

    /// <summary>The names to ask for, in order: a name with at least Ndots dots (or a trailing dot) as it is first, then
    /// with each search domain; a shorter one with the search domains first (resolv.conf(5)).</summary>
    public IEnumerable<string> Candidates(string host)
    {
        if (host.EndsWith('.'))
        {
            yield return host.TrimEnd('.');
            yield break;
        }
        bool asIsFirst = host.Count(c => c == '.') >= Ndots;
        if (asIsFirst)
            yield return host;
        foreach (string domain in Search)
            yield return $"{host}.{domain}";
        if (!asIsFirst)
            yield return host;
    }
}
