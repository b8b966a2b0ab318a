// The validated command line. Validation is a pure function of the raw strings so every refusal has a test
// and one clear sentence; System.CommandLine only splits the words.
using System.Globalization;
using System.Net;
using P2PChat.Net;

namespace P2PChat.Ui;

internal sealed record LaunchOptions(string Name)
{
    /// <summary>Where to join, in the order given: the positional HOST PORT first, then every --peer.</summary>
    public IReadOnlyList<PeerAddress> Join { get; init; } = [];

    public int ListenPort { get; init; }
    public IPAddress Bind { get; init; } = IPAddress.IPv6Any;
    public bool Json { get; init; }

    /// <summary>--identity: the identity file to use instead of the default one (KeyLoader).</summary>
    public string? IdentityFile { get; init; }

    /// <summary>--room-file: a file holding the room secret.</summary>
    public string? RoomFile { get; init; }

    /// <summary>--room-prompt: ask for the room secret on the terminal, without echo.</summary>
    public bool RoomPrompt { get; init; }

    /// <summary>The user's keys, loaded by ChatApp before a session starts (null: a fresh identity, open room).</summary>
    public NodeKeys? Keys { get; init; }

    /// <summary>Names and keys met before (trust on first use), beside the identity file; null in tests.</summary>
    public Net.Identity.KnownPeers? Known { get; init; }

    /// <summary>The user's keys (a fresh identity in an open room when none were loaded) and the NameBook that shows
    /// names with fingerprints where keys share a look-alike name.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public (NodeKeys Keys, Net.Identity.NameBook Names) Identity()
    {
        NodeKeys keys = Keys ?? NodeKeys.Generate(Net.Crypto.OsRandom.Instance);
        return (keys, new Net.Identity.NameBook(Name, keys.Identity.Public, Known));
    }

    /// <summary>Node options for these launch options.</summary>
    public NodeOptions ToNodeOptions() => new(Name) { Port = ListenPort, BindAddress = Bind, TargetLinks = Links, History = History };

    /// <summary>Distinct peers to stay linked to (NodeOptions.TargetLinks).</summary>
    public int Links { get; init; } = NodeOptions.DefaultTargetLinks;

    /// <summary>Earlier messages to ask for on joining (NodeOptions.History).</summary>
    public int History { get; init; } = NodeOptions.DefaultHistory;

    public const int MaxLinks = 64;

    /// <summary>Checks the raw words. Returns null and the options, or the one-line reason they are refused.</summary>
    public static string? TryCreate(string? name, string? host, string? port, string? listenPort, string? bind,
        IReadOnlyList<string> peers, string? links, string? history, bool json, out LaunchOptions options)
    {
        options = new LaunchOptions("-");
        // System.CommandLine hands an unknown option that stands where a positional may go to that positional.
        foreach (string? word in (string?[])[name, host, port])
            if (word is ['-', _, ..] && !int.TryParse(word, out _))
                return $"unknown option '{Printable(word)}' (see p2pchat --help)";
        if (string.IsNullOrEmpty(name))
            return "missing NAME: say who you are, e.g. 'p2pchat alice'";
        if (TextRules.ExplainBadName(name) is { } badName)
            return $"invalid name '{Printable(name)}': {badName}";

        var join = new List<PeerAddress>();
        if (host is not null)
        {
            if (port is null)
                return int.TryParse(host, NumberStyles.None, CultureInfo.InvariantCulture, out _)
                    ? $"'{host}' looks like a port, but no host came before it: give HOST PORT, e.g. 'p2pchat {Printable(name)} localhost {host}'"
                    : $"host '{Printable(host)}' needs a port: give HOST PORT, e.g. 'p2pchat {name} {Printable(host)} 54321'";
            if (ExplainBadPort(port, allowZero: false) is { } badPort)
                return $"invalid port '{Printable(port)}': {badPort}";
            join.Add(new PeerAddress(host, int.Parse(port, CultureInfo.InvariantCulture)));
        }
        foreach (string peer in peers)
        {
            if (PeerAddress.TryParse(peer, out PeerAddress? address) is { } badPeer)
                return $"invalid --peer '{Printable(peer)}': {badPeer}";
            join.Add(address!);
        }

        int listen = 0;
        if (listenPort is not null)
        {
            if (ExplainBadPort(listenPort, allowZero: true) is { } badListen)
                return $"invalid --port '{Printable(listenPort)}': {badListen}";
            listen = int.Parse(listenPort, CultureInfo.InvariantCulture);
        }

        IPAddress bindAddress = IPAddress.IPv6Any;
        if (bind is not null && !TryParseAddress(bind, out bindAddress))
            return $"invalid --bind '{Printable(bind)}': give an IP address of this machine, e.g. 127.0.0.1 or ::1";

        int linkTarget = NodeOptions.DefaultTargetLinks;
        if (links is not null && (!int.TryParse(links, NumberStyles.None, CultureInfo.InvariantCulture, out linkTarget) || linkTarget > MaxLinks))
            return $"invalid --links '{Printable(links)}': a number from 0 to {MaxLinks}";

        int historyCount = NodeOptions.DefaultHistory;
        if (history is not null && (!int.TryParse(history, NumberStyles.None, CultureInfo.InvariantCulture, out historyCount) || historyCount > MessageLog.DefaultCapacity))
            return $"invalid --history '{Printable(history)}': a number from 0 to {MessageLog.DefaultCapacity}";

        options = new LaunchOptions(name) { Join = join, ListenPort = listen, Bind = bindAddress, Json = json, Links = linkTarget, History = historyCount };
        return null;
    }

    internal static string? ExplainBadPort(string text, bool allowZero)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port))
            return "a port is a number from 1 to 65535";
        if (port > 65535 || (port == 0 && !allowZero))
            return allowZero ? "a port is a number from 0 (any free port) to 65535" : "a port is a number from 1 to 65535";
        return null;
    }

    /// <summary>User input echoed in an error message, with control characters made visible.</summary>
    private static string Printable(string text) => TextSanitizer.Sanitize(text);

    /// <summary>An IPv6 address, or an IPv4 address written as four decimal numbers. IPAddress.TryParse also takes the
    /// old inet_aton forms, so "5000" was the address 0.0.19.136 and "127.1" was 127.0.0.1: a port typed where the
    /// address goes must be refused, not bound to.</summary>
    private static bool TryParseAddress(string text, out IPAddress address)
    {
        address = IPAddress.IPv6Any;
        if (!text.Contains(':'))
        {
            string[] parts = text.Split('.');
            if (parts.Length != 4 || !parts.All(IsOctet))
                return false;
        }
        if (!IPAddress.TryParse(text, out IPAddress? parsed))
            return false;
        address = parsed;
        return true;
    }

    /// <summary>0 to 255 in decimal, without leading zeros (which some parsers read as octal).</summary>
    private static bool IsOctet(string part) =>
        part.Length is >= 1 and <= 3 && part.All(char.IsAsciiDigit) && (part.Length == 1 || part[0] != '0')
        && int.Parse(part, CultureInfo.InvariantCulture) <= 255;
}
