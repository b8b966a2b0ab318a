// What the protocol accepts as a name or a message text. Shared by the wire parser and the command line, so a
// name the CLI accepts is exactly a name peers accept.
using System.Text;
using System.Text.Unicode;

namespace P2PChat.Net;

internal static class TextRules
{
    /// <summary>1..32 bytes of valid UTF-8 with no control character (C0, DEL, C1) and no surrounding space.</summary>
    public static bool IsValidName(ReadOnlySpan<byte> name)
    {
        if (name.Length is 0 or > Protocol.MaxNameBytes || !Utf8.IsValid(name))
            return false;
        if (name[0] == (byte)' ' || name[^1] == (byte)' ')
            return false;
        while (!name.IsEmpty)
        {
            Rune.DecodeFromUtf8(name, out Rune rune, out int used);
            if (Rune.IsControl(rune))
                return false;
            name = name[used..];
        }
        return true;
    }

    /// <summary>1..MaxTextBytes of valid UTF-8. Control characters are allowed on the wire; every display
    /// makes them visible (Ui/TextSanitizer).</summary>
    public static bool IsValidText(ReadOnlySpan<byte> text) =>
        text.Length is > 0 and <= Protocol.MaxTextBytes && Utf8.IsValid(text);

    /// <summary>Why a name typed on the command line is refused, or null if it is fine.</summary>
    public static string? ExplainBadName(string name)
    {
        if (name.Length == 0)
            return "the name is empty";
        int bytes = Encoding.UTF8.GetByteCount(name);
        if (bytes > Protocol.MaxNameBytes)
            return $"the name is {bytes} bytes long; the limit is {Protocol.MaxNameBytes} bytes of UTF-8";
        byte[] utf8 = Encoding.UTF8.GetBytes(name);
        if (!Utf8.IsValid(utf8))
            return "the name is not valid Unicode";
        if (!IsValidName(utf8))
            return name.Trim() != name ? "the name starts or ends with a space" : "the name contains a control character";
        return null;
    }
}
