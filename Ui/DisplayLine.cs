// One entry of the message field. Every string is already safe to print (TextSanitizer ran on anything from a peer).
namespace P2PChat.Ui;

internal enum LineKind
{
    Message,
    Own,
    Info,
    History,
}

/// <param name="Text">The message text (or the whole INFO line).</param>
/// <param name="Sender">Who said it; null for INFO lines.</param>
/// <param name="Time">"HH:mm" to show before it, or "" for none.</param>
/// <param name="Mention">It mentions us (@name): highlighted.</param>
/// <param name="Action">An action (:me waves): shown as "* Sender Text".</param>
internal readonly record struct DisplayLine(LineKind Kind, string Text, string? Sender = null, string Time = "", bool Mention = false,
    bool Action = false);
