// Splits a line the user said into messages that fit the protocol's text limit, at rune boundaries, so a long
// paste is sent whole (as several messages) rather than refused or cut.
using System.Text;
using P2PChat.Net;

namespace P2PChat.Ui;

internal static class TextChunker
{
    public static IEnumerable<string> Split(string line, int maxBytes = Protocol.MaxTextBytes)
    {
        if (Encoding.UTF8.GetByteCount(line) <= maxBytes)
        {
            if (line.Length > 0)
                yield return line;
            yield break;
        }
        var chunk = new StringBuilder();
        int bytes = 0;
        foreach (Rune rune in line.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > maxBytes)
            {
                yield return chunk.ToString();
                chunk.Clear();
                bytes = 0;
            }
            chunk.Append(rune.ToString());
            bytes += rune.Utf8SequenceLength;
        }
        if (chunk.Length > 0)
            yield return chunk.ToString();
    }
}
