// The words for network events, shared by the full UI and pipe mode (JSON has its own schema, from the same events):
// one place, so the two front ends cannot drift apart. Names come as shown (Names.Shown: alice#3f2a where needed)
// and are sanitised here.
using System.Net;
using P2PChat.Net;

namespace P2PChat.Ui;

internal static class EventText
{
    public static string LinkOpened(string shown, EndPoint address) => $"linked to {TextSanitizer.Sanitize(shown)} ({address})";

    public static string LinkClosed(string shown, LinkClose reason) => $"link to {TextSanitizer.Sanitize(shown)} closed ({reason})";

    public static string MemberJoined(string shown, bool isNew) => $"{TextSanitizer.Sanitize(shown)} {(isNew ? "joined" : "is online")}";

    public static string MemberLeft(string shown, Departure reason) => $"{TextSanitizer.Sanitize(shown)} left ({reason})";

    public static string MemberRenamed(string before, string shown) => $"{TextSanitizer.Sanitize(before)} is now {TextSanitizer.Sanitize(shown)}";

    /// <summary>What we are told after our own :nick.</summary>
    public static string Renamed(string name) => $"you are now {TextSanitizer.Sanitize(name)}";
}
