// `:msg NAME text` (ChatCommands, in the full UI, line mode and pipe mode): finds the one member online NAME stands for (a
// name, or name#fingerprint where names clash) and says the text to it alone (ChatNode.SayPrivate). Returns what to
// show the user: the message as sent, or why it was not.
using P2PChat.Net;
using P2PChat.Net.Identity;

namespace P2PChat.Ui;

internal static class PrivateCommand
{
    public const string Name = ":msg";

    /// <summary>Says <paramref name="rest"/>'s text to the member its first word names.</summary>
    /// <param name="rest">What followed ":msg ", trimmed: "NAME text".</param>
    public static string Run(ISessionNode node, NameBook? names, string rest, long nowMs, out bool sent)
    {
        sent = false;
        int space = rest.IndexOf(' ');
        if (space <= 0 || space == rest.Length - 1)
            return "usage: :msg NAME text (NAME#xxxx where two users share a name; :whois NAME shows them)";
        string who = rest[..space];
        string text = rest[(space + 1)..];
        var matches = new List<MemberInfo>();
        foreach (MemberInfo member in node.Members())
        {
            string label = names?.Label(member.Name, member.Key.Span, out _) ?? member.Name;
            if (member.Name == who || label == who)
                matches.Add(member);
        }
        if (matches.Count == 0)
            return $"nobody called {TextSanitizer.Sanitize(who)} is online";
        if (matches.Count > 1)
            return $"{matches.Count} users online are called {TextSanitizer.Sanitize(who)}: write {TextSanitizer.Sanitize(who)}#xxxx (see :whois {TextSanitizer.Sanitize(who)})";
        try
        {
            node.SayPrivate(matches[0].NodeId, text, nowMs);
        }
        catch (ArgumentException e)
        {
            return $"not sent: {e.Message}";
        }
        sent = true;
        string shown = names?.Label(matches[0].Name, matches[0].Key.Span, out _) ?? matches[0].Name;
        return $"to {TextSanitizer.Sanitize(shown)} (private): {TextSanitizer.Sanitize(text)}";
    }
}
