// Start-up shared by both modes: listen, join through every address given, then say where we listen. Fails
// (returns the reason, one line) when listening fails or when addresses were given and none of them could be
// joined; a failing address among others that work is reported and skipped. A join is tried again only when the
// host took the connection and dropped it before the handshake (a host under load; ChatNode.JoinAttempts); nobody
// listening, no route or another room is told at once. (Once joined, lost links are re-made by the node itself:
// Net/Protocol/Membership.cs.)
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
        var failures = new List<string>();
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
                failures.Add(e.Message);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return $"stopped while joining through {address}"; // a signal (Ctrl-C): one line, not silence
            }
        }
        if (joined == 0 && failures.Count > 0)
            return string.Join("; ", failures);
        failures.ForEach(info);
        info($"{node.Name} listening on {ListenDescription(node)}");
        return null;
    }

    /// <summary>"port 40213 (all interfaces)" or "127.0.0.1 port 40213".</summary>
    public static string ListenDescription(ChatNode node)
    {
        var endPoint = node.ListenEndPoint;
        bool any = endPoint.Address.Equals(System.Net.IPAddress.IPv6Any) || endPoint.Address.Equals(System.Net.IPAddress.Any);
        return any ? $"port {endPoint.Port} (all interfaces)" : $"{endPoint.Address} port {endPoint.Port}";
    }
}
