// KeyDecoder, bracketed paste: after "ESC [ 200 ~" every byte is text until "ESC [ 201 ~", then one Paste event.
// A paste keeps its first MaxPasteBytes bytes (cut back to a whole UTF-8 character); the rest is read and dropped
// until the end marker, so a runaway paste costs at most 1 MiB of memory and still ends where the terminal says.
using System.Text;

namespace P2PChat.Ui;

internal sealed partial class KeyDecoder
{
    /// <summary>The most bytes of one paste that are kept; anything after them is dropped.</summary>
    public const int MaxPasteBytes = 1 << 20;

    private const int KeptPasteBuffer = 64 * 1024;

    private static ReadOnlySpan<byte> PasteEnd => "\u001b[201~"u8;

    // The paste so far: raw bytes in _paste[0.._pasteLength) (null until the first paste, dropped after a big one),
    // whether bytes past MaxPasteBytes were dropped, and how many bytes of PasteEnd the input has matched (0..5).
    private byte[]? _paste;
    private int _pasteLength;
    private bool _pasteTruncated;
    private int _endMatched;

    private void BeginPaste()
    {
        _state = State.Paste;
        _pasteLength = 0;
        _pasteTruncated = false;
        _endMatched = 0;
    }

    /// <summary>Reads paste bytes from the start of <paramref name="bytes"/>; returns how many it consumed.</summary>
    private int ReadPaste(ReadOnlySpan<byte> bytes)
    {
        if (_endMatched == 0)
        {
            int esc = bytes.IndexOf(Esc);
            if (esc < 0)
            {
                AppendPaste(bytes);
                return bytes.Length;
            }
            AppendPaste(bytes[..esc]);
            _endMatched = 1;
            return esc + 1;
        }
        if (bytes[0] == PasteEnd[_endMatched])
        {
            if (++_endMatched == PasteEnd.Length)
                EndPaste();
            return 1;
        }
        // Not the end marker after all: what matched is text, and this byte is looked at again from scratch (the
        // marker's only ESC is its first byte, so no later start of it can hide in the part that matched).
        AppendPaste(PasteEnd[.._endMatched]);
        _endMatched = 0;
        return 0;
    }

    private void AppendPaste(ReadOnlySpan<byte> bytes)
    {
        int room = MaxPasteBytes - _pasteLength;
        if (bytes.Length > room)
        {
            _pasteTruncated = true;
            bytes = bytes[..room];
        }
        if (bytes.IsEmpty)
            return;
        if (_paste is null || _pasteLength + bytes.Length > _paste.Length)
            Array.Resize(ref _paste, Math.Min(MaxPasteBytes, Math.Max(Math.Max(4096, (_paste?.Length ?? 0) * 2), _pasteLength + bytes.Length)));
        bytes.CopyTo(_paste.AsSpan(_pasteLength));
        _pasteLength += bytes.Length;
    }

    private void EndPaste()
    {
        _state = State.Ground;
        _endMatched = 0;
        Span<byte> text = _paste.AsSpan(0, _pasteLength);
        if (_pasteTruncated)
            text = text[..WholeCharacters(text)];

        // Line breaks to '\n' in place: "\r\n" and a lone '\r' (what terminals send for Enter) both become one '\n'.
        int length = 0;
        for (int i = 0; i < text.Length; i++)
        {
            byte b = text[i];
            if (b == '\r')
            {
                b = (byte)'\n';
                if (i + 1 < text.Length && text[i + 1] == '\n')
                    i++;
            }
            text[length++] = b;
        }

        string pasted = Encoding.UTF8.GetString(text[..length]); // invalid UTF-8 becomes U+FFFD
        _pasteLength = 0;
        if (_paste is { Length: > KeptPasteBuffer })
            _paste = null;
        if (pasted.Length > 0)
        {
            _alt = false;
            emit(new InputEvent(InputKind.Paste, Text: pasted));
        }
    }

    /// <summary>The length of <paramref name="text"/> without a UTF-8 character cut off at its end.</summary>
    private static int WholeCharacters(ReadOnlySpan<byte> text)
    {
        int lead = text.Length - 1;
        while (lead >= 0 && text.Length - lead <= 3 && (text[lead] & 0xC0) == 0x80)
            lead--;
        if (lead < 0 || text[lead] < 0xC0)
            return text.Length;
        int size = text[lead] >= 0xF0 ? 4 : text[lead] >= 0xE0 ? 3 : 2;
        return text.Length - lead < size ? lead : text.Length;
    }
}
