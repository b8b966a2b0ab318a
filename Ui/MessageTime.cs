// A sender's clock as shown: its Unix milliseconds clamped to what DateTimeOffset can hold (year 1970 to 9999), so a
// wild or hostile timestamp is shown as an extreme date rather than throwing. Shared by the full UI and pipe mode.
namespace P2PChat.Ui;

internal static class MessageTime
{
    /// <summary>9999-12-31T23:59:59.999Z in Unix milliseconds (253402300799999).</summary>
    private static readonly long Latest = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    public static DateTimeOffset Of(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(unixMs, 0, Latest));
}
