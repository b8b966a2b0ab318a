// Start-up shared by both modes: listen, say where, then join through every address given. Fails (returns the
// reason) when listening fails or when addresses were given and none of them could be joined; a failing
// address among others that work is reported and skipped. Joining does not retry: the user is told at once.
using P2PChat.Net;

namespace P2PChat.Ui;

internal static class NodeStarter
{
    public static async Task<string?> StartAsync(ChatNode node, LaunchOptions options, Action<string> info, CancellationToken cancel)
    {
        try
        {
            node.Start();
        }
        catch (ChatNetworkException e)
        {
            return e.Message;
        }
        info($"{node.Name} listening on {ListenDescription(node)}");

        string? lastFailure = null;
        int joined = 0;
        foreach (PeerAddress address in options.Join)
        {
            try
            {
                PeerInfo peer = await node.JoinAsync(address.Host, address.Port, cancel);
                joined++;
                info($"joined through {address} ({TextSanitizer.Sanitize(peer.Name)})");
            }
            catch (ChatNetworkException e)
            {
                lastFailure = e.Message;
                if (options.Join.Count > 1)
                    info(e.Message);
            }
        }
        if (joined > 0 || lastFailure is null)
            return null;
        return options.Join.Count == 1 ? lastFailure : $"could not join through any of the {options.Join.Count} addresses given";
    }

    /// <summary>"port 40213 (all interfaces)" or "127.0.0.1 port 40213".</summary>
    public static string ListenDescription(ChatNode node)
    {
        var endPoint = node.ListenEndPoint;
        bool any = endPoint.Address.Equals(System.Net.IPAddress.IPv6Any) || endPoint.Address.Equals(System.Net.IPAddress.Any);
        return any ? $"port {endPoint.Port} (all interfaces)" : $"{endPoint.Address} port {endPoint.Port}";
    }
}
