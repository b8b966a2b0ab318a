// Turns the bytes a terminal in raw mode sends into InputEvents: UTF-8 text, C0 controls, Alt-prefixed keys and the
// escape sequences below. Pure and incremental: a sequence may arrive split across any number of Feed calls; it owns
// only its parse state and a paste buffer, and allocates nothing per ordinary key (a paste allocates its text).
//
// What it understands (xterm's list: https://invisible-island.net/xterm/ctlseqs/ctlseqs.html):
//   0x0D, 0x0A Enter; 0x09 Tab; 0x7F, 0x08 Backspace; 0x01-0x1A Ctrl-a..z (except those four); 0x00 Ctrl-Space;
//   0x1C-0x1F Ctrl-\ ] ^ _; 0x1B starts an escape (alone: Escape, once Flush is called after a pause).
//   ESC x                        Alt+x for any key that is not '[' or 'O' (Alt-b, Alt-Backspace, Alt-é, ...)
//   ESC [ P... I... F            CSI: parameters 0x30-0x3F, intermediates 0x20-0x2F, final 0x40-0x7E
//     ESC [ A B C D H F          Up Down Right Left Home End; ESC [ 1 ; m A with a modifier m (below)
//     ESC [ n ~  ESC [ n ; m ~   1/7 Home, 4/8 End, 3 Delete, 5 PageUp, 6 PageDown; 2 Insert and F-keys ignored
//     ESC [ n ^  ESC [ n @  ESC [ n $   rxvt's Ctrl, Ctrl-Shift and Shift forms of the ~ keys; ESC [ a..d Shift-arrows
//     ESC [ Z                    BackTab (Shift-Tab)
//     ESC [ 200 ~ ... ESC [ 201 ~   bracketed paste: every byte between is text, ESC and CSI look-alikes included
//     ESC [ < b ; x ; y M        SGR mouse: b 64 wheel up, 65 wheel down, +4 Shift, +8 Alt, +16 Ctrl; rest ignored
//     ESC [ M b x y              X10 mouse, from a terminal without SGR reports: three raw bytes follow
//     ESC [ [ x                  Linux console F1-F5: one more byte follows
//   ESC O x                      SS3: A B C D H F as above (application cursor mode, which .NET's Console turns on),
//                                a..d rxvt Ctrl-arrows, M keypad Enter, j..y and X keypad * + , - . / 0-9 =
//   Modifier m: m-1 has bits Shift 1, Alt 2, Ctrl 4, Meta 8 (Meta counts as Alt); Shift is not reported.
// Any other complete sequence is swallowed whole; a sequence broken by a control byte is dropped and that byte
// is read afresh. Invalid UTF-8 becomes U+FFFD, one per maximal invalid subsequence (the WHATWG decoder's rule).
using System.Text;

namespace P2PChat.Ui;

internal sealed partial class KeyDecoder(Action<InputEvent> emit)
{
    private const byte Esc = 0x1B;
    private const int MaxParams = 4;

    private enum State : byte { Ground, Escape, Csi, Ss3, SkipOne, X10Mouse, Paste }

    private State _state;

    // An ESC came before the key being decoded (Alt); cleared by the next event emitted.
    private bool _alt;

    // UTF-8 in Ground: continuation bytes still needed (0 when between characters), the code point so far, and the
    // range the next byte must fall in (narrower than 0x80-0xBF after E0, ED, F0, F4, which rules out overlongs,
    // surrogates and values above U+10FFFF).
    private int _utf8Needed;
    private int _utf8Value;
    private byte _utf8Lower = 0x80;
    private byte _utf8Upper = 0xBF;

    // The CSI being read: bytes after "ESC [" so far, parameters (0 when empty), the index of the one being read,
    // whether any parameter byte came, the private marker ('<', '?', '=', '>' or 0), and whether the sequence has
    // something no key has (sub-parameters, intermediates, too many parameters), which makes it swallowed unread.
    private int _csiLength;
    private readonly int[] _params = new int[MaxParams];
    private int _paramIndex;
    private bool _sawParam;
    private byte _private;
    private bool _unknown;

    // SS3: the modifier digit (0 when none), and whether any byte followed "ESC O".
    private int _ss3Modifier;
    private bool _ss3Started;

    // X10 mouse: raw bytes read so far (of three) and the first one, the button.
    private int _mouseBytes;
    private byte _mouseButton;

    /// <summary>
    /// True when the input so far ends in ESC, "ESC [" or "ESC O", which may be the Escape key (or Alt-[, Alt-O) or
    /// the start of a sequence whose rest is on its way: the reader calls <see cref="Flush"/> if no byte follows soon.
    /// </summary>
    public bool HasPendingEscape =>
        _state == State.Escape || (_state == State.Csi && _csiLength == 0) || (_state == State.Ss3 && !_ss3Started);

    public void Feed(ReadOnlySpan<byte> bytes)
    {
        int i = 0;
        while (i < bytes.Length)
        {
            if (_state == State.Paste)
                i += ReadPaste(bytes[i..]);
            else
                Step(bytes[i++]);
        }
    }

    /// <summary>No more bytes came after a pending ESC: it was the Escape key (or Alt-[ / Alt-O). Otherwise a no-op.</summary>
    public void Flush()
    {
        if (!HasPendingEscape)
            return;
        State was = _state;
        _state = State.Ground;
        if (was == State.Escape)
            Emit(InputKind.Escape);
        else
            Emit(InputKind.Char, new Rune(was == State.Csi ? '[' : 'O'), alt: true);
    }

    private void Step(byte b)
    {
        switch (_state)
        {
            case State.Ground:
                Ground(b);
                break;
            case State.Escape:
                if (b == '[')
                    BeginCsi();
                else if (b == 'O')
                {
                    _state = State.Ss3;
                    _ss3Modifier = 0;
                    _ss3Started = false;
                }
                else if (b == Esc)
                    Emit(InputKind.Escape); // ESC ESC: the first was a key of its own; the second is pending now
                else
                {
                    _state = State.Ground;
                    _alt = true;
                    Ground(b);
                }
                break;
            case State.Csi:
                Csi(b);
                break;
            case State.Ss3:
                Ss3(b);
                break;
            case State.SkipOne:
                _state = b == Esc ? State.Escape : State.Ground;
                break;
            case State.X10Mouse:
                X10Mouse(b);
                break;
        }
    }

    private void Ground(byte b)
    {
        if (_utf8Needed != 0)
        {
            if (b >= _utf8Lower && b <= _utf8Upper)
            {
                _utf8Lower = 0x80;
                _utf8Upper = 0xBF;
                _utf8Value = (_utf8Value << 6) | (b & 0x3F);
                if (--_utf8Needed == 0)
                    Emit(InputKind.Char, new Rune(_utf8Value));
                return;
            }
            // The sequence broke off: U+FFFD for what came so far, and this byte starts afresh.
            _utf8Needed = 0;
            _utf8Lower = 0x80;
            _utf8Upper = 0xBF;
            Emit(InputKind.Char, Rune.ReplacementChar);
        }

        switch (b)
        {
            case Esc:
                _state = State.Escape;
                break;
            case 0x0D or 0x0A:
                Emit(InputKind.Enter);
                break;
            case 0x09:
                Emit(InputKind.Tab);
                break;
            case 0x7F or 0x08:
                Emit(InputKind.Backspace);
                break;
            case 0x00:
                Emit(InputKind.Char, new Rune(' '), ctrl: true);
                break;
            case < Esc:
                Emit(InputKind.Char, new Rune((char)('a' + b - 1)), ctrl: true);
                break;
            case < 0x20:
                Emit(InputKind.Char, new Rune(@"\]^_"[b - 0x1C]), ctrl: true);
                break;
            case < 0x80:
                Emit(InputKind.Char, new Rune((char)b));
                break;
            case >= 0xC2 and <= 0xDF:
                BeginUtf8(1, b & 0x1F);
                break;
            case >= 0xE0 and <= 0xEF:
                BeginUtf8(2, b & 0x0F);
                if (b == 0xE0)
                    _utf8Lower = 0xA0; // below is an overlong form
                else if (b == 0xED)
                    _utf8Upper = 0x9F; // above are the surrogates
                break;
            case >= 0xF0 and <= 0xF4:
                BeginUtf8(3, b & 0x07);
                if (b == 0xF0)
                    _utf8Lower = 0x90; // below is an overlong form
                else if (b == 0xF4)
                    _utf8Upper = 0x8F; // above is past U+10FFFF
                break;
            default: // a stray continuation byte, C0, C1 or F5-FF: never valid here
                Emit(InputKind.Char, Rune.ReplacementChar);
                break;
        }
    }

    private void BeginUtf8(int needed, int value)
    {
        _utf8Needed = needed;
        _utf8Value = value;
    }

    /// <summary>A byte that cannot continue the current sequence: drop the sequence, read the byte afresh.</summary>
    private void Abandon(byte b)
    {
        _state = State.Ground;
        Ground(b);
    }

    private void Emit(InputKind kind, Rune rune = default, bool ctrl = false, bool alt = false)
    {
        alt |= _alt;
        _alt = false;
        emit(new InputEvent(kind, rune, ctrl, alt));
    }

    /// <summary>(Ctrl, Alt) from an xterm modifier parameter: 1 + (Shift 1 | Alt 2 | Ctrl 4 | Meta 8); 0 or 1 is none.</summary>
    private static (bool Ctrl, bool Alt) Modifiers(int parameter)
    {
        int bits = Math.Max(parameter - 1, 0);
        return ((bits & 4) != 0, (bits & (2 | 8)) != 0);
    }
}
