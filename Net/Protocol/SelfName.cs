// Our own name, which :nick changes while we run: the one copy that our lines (LineSigner), our announcements
// (Presence) and our HELLO read when they are written, so a rename reaches all three at once.
using System.Text;

namespace P2PChat.Net;

internal sealed class SelfName
{
    public SelfName(string name)
    {
        Utf8 = Encoding.UTF8.GetBytes(name);
        Text = name;
    }

    public SelfName(byte[] utf8)
    {
        Utf8 = utf8;
        Text = Encoding.UTF8.GetString(utf8);
    }

    /// <summary>As on the wire (valid by TextRules.IsValidName).</summary>
    public byte[] Utf8 { get; private set; }

    public string Text { get; private set; }

    public void Set(string name)
    {
        Utf8 = Encoding.UTF8.GetBytes(name);
        Text = name;
    }
}
