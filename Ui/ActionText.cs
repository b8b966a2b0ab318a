// `:me waves`: an action, sent as IRC sends it (CTCP ACTION: the text "\x01ACTION waves\x01"), so it needs nothing new
// on the wire, and shown as "* alice waves" by every front end (JSON: "action": true, the text "waves"). A peer that
// does not know it shows the control characters made visible, never raw.
namespace P2PChat.Ui;

internal static class ActionText
{
    private static ReadOnlySpan<byte> Prefix => "\u0001ACTION "u8;

    /// <summary>Bytes an action may have: what is left of a line's limit after the markers.</summary>
    public static int MaxBytes => Net.Protocol.MaxTextBytes - Prefix.Length - 1;

    public static string Make(string action) => $"\u0001ACTION {action}\u0001";

    /// <summary>True when <paramref name="text"/> is an action; <paramref name="action"/> is then what it does.</summary>
    public static bool TryGet(ReadOnlySpan<byte> text, out ReadOnlySpan<byte> action)
    {
        action = default;
        if (text.Length <= Prefix.Length + 1 || !text.StartsWith(Prefix) || text[^1] != 1)
            return false;
        action = text[Prefix.Length..^1];
        return true;
    }
}
