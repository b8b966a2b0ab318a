// What :peers (or :who) says, in the full UI and in plain line mode alike: everyone online (us first), then the
// peers this process has a direct link to, then any neighbour held back for flooding (ChatNode.Pressure.cs), then how
// many lines of others were lost for good (GapReports), if any.
using P2PChat.Net;

namespace P2PChat.Ui;

internal static class PeerReport
{
    public static string[] Lines(ISessionNode node)
    {
        IReadOnlyList<MemberInfo> members = node.Members();
        IEnumerable<string> online = [$"{TextSanitizer.Sanitize(node.Name)} (you)", .. members.Select(m => TextSanitizer.Sanitize(m.Name))];
        IReadOnlyList<PeerInfo> direct = node.DirectPeers();
        IReadOnlyList<(PeerInfo Peer, long Holds)> held = node.HeldPeers();
        ulong lost = node.LinesLost;
        string[] losses = lost == 0 ? [] : [$"lines of others lost on the way since we started (they never came, and cannot be recovered): {lost}"];
        string[] flooding = held.Count == 0
            ? []
            : [$"held back for sending more than their share: {string.Join(", ", held.Select(h => $"{TextSanitizer.Sanitize(h.Peer.Name)} ({h.Holds} times)"))}"];
        return
        [
            $"online ({members.Count + 1}): {string.Join(", ", online)}",
            direct.Count == 0
                ? "linked to nobody yet (reconnecting to known peers)"
                : $"linked to ({direct.Count}): {string.Join(", ", direct.Select(p => $"{TextSanitizer.Sanitize(p.Name)} {p.RemoteEndPoint}"))}",
            .. flooding,
            .. losses,
        ];
    }
}
