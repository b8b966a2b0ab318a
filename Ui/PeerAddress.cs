// A HOST PORT pair to join through; HOST is a name or an IPv4/IPv6 literal.
using System.Globalization;

namespace P2PChat.Ui;

internal sealed record PeerAddress(string Host, int Port)
{
    /// <summary>Parses HOST:PORT, [IPV6]:PORT or a bare IPv6 literal is refused (its colons are ambiguous).
    /// Returns null on success, else why the text is refused.</summary>
    public static string? TryParse(string text, out PeerAddress? address)
    {
        address = null;
        string host;
        string port;
        if (text.StartsWith('['))
        {
            int close = text.IndexOf("]:", StringComparison.Ordinal);
            if (close < 0)
                return "write an IPv6 address as [ADDRESS]:PORT";
            host = text[1..close];
            port = text[(close + 2)..];
        }
        else
        {
            int colon = text.LastIndexOf(':');
            if (colon < 0)
                return "expected HOST:PORT";
            host = text[..colon];
            port = text[(colon + 1)..];
            if (host.Contains(':'))
                return "write an IPv6 address as [ADDRESS]:PORT";
        }
        if (host.Length == 0)
            return "the host is empty";
        if (LaunchOptions.ExplainBadPort(port, allowZero: false) is { } bad)
            return bad;
        address = new PeerAddress(host, int.Parse(port, CultureInfo.InvariantCulture));
        return null;
    }

    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
