// The words for lines given up for good (IChatSink.OnLinesLost), the same in the full UI and in pipe and line mode:
// "12 lines from alice#3f2a were lost on the way and cannot be recovered". The name is a peer's: sanitised here.
using P2PChat.Net;

namespace P2PChat.Ui;

internal static class LossNotice
{
    /// <param name="shown">The sender's name as the display shows it (with a fingerprint where names look alike).</param>
    public static string Text(LostLines lost, string shown)
    {
        string lines = lost.Count == 1 ? "1 line" : $"{lost.Count} lines";
        string from = lost.Senders > 1 ? $"{lost.Senders} senders" : TextSanitizer.Sanitize(shown);
        return $"{lines} from {from} {(lost.Count == 1 ? "was" : "were")} lost on the way and cannot be recovered";
    }
}
