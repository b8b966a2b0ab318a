// KeyDecoder, the escape sequences: CSI and SS3 keys and mouse-wheel reports (grammar at the top of KeyDecoder.cs).
using System.Text;

namespace P2PChat.Ui;

internal sealed partial class KeyDecoder
{
    private void BeginCsi()
    {
        _state = State.Csi;
        _csiLength = 0;
        Array.Clear(_params);
        _paramIndex = 0;
        _sawParam = false;
        _private = 0;
        _unknown = false;
    }

    private void Csi(byte b)
    {
        _csiLength++;
        switch (b)
        {
            case >= (byte)'0' and <= (byte)'9':
                _sawParam = true;
                ref int value = ref _params[_paramIndex];
                value = Math.Min(value * 10 + (b - '0'), 99_999); // capped: no key needs more, and no overflow
                break;
            case (byte)';':
                _sawParam = true;
                if (_paramIndex < MaxParams - 1)
                    _paramIndex++;
                else
                    _unknown = true;
                break;
            case (byte)':': // sub-parameters (kitty's keyboard protocol, which is never turned on here)
                _unknown = true;
                break;
            case >= (byte)'<' and <= (byte)'?':
                if (_csiLength == 1)
                    _private = b;
                else
                    _unknown = true;
                break;
            case (byte)'$' when _private == 0: // an intermediate by the standard, but the final of rxvt's Shift-keys
                _state = State.Ground;
                CsiKey(b);
                break;
            case >= 0x20 and <= 0x2F:
                _unknown = true;
                break;
            case >= 0x40 and <= 0x7E:
                _state = State.Ground;
                if (_private == '<')
                    SgrMouse(b);
                else if (_private == 0 && !_unknown)
                    CsiKey(b);
                break;
            case Esc:
                _state = State.Escape; // the sequence broke off and a new one starts
                break;
            default:
                Abandon(b);
                break;
        }
    }

    private void CsiKey(byte final)
    {
        int count = _sawParam ? _paramIndex + 1 : 0;
        (bool ctrl, bool alt) = Modifiers(count >= 2 ? _params[1] : 0);
        switch (final)
        {
            case (byte)'A' or (byte)'a':
                Emit(InputKind.Up, ctrl: ctrl, alt: alt);
                break;
            case (byte)'B' or (byte)'b':
                Emit(InputKind.Down, ctrl: ctrl, alt: alt);
                break;
            case (byte)'C' or (byte)'c':
                Emit(InputKind.Right, ctrl: ctrl, alt: alt);
                break;
            case (byte)'D' or (byte)'d':
                Emit(InputKind.Left, ctrl: ctrl, alt: alt);
                break;
            case (byte)'H':
                Emit(InputKind.Home, ctrl: ctrl, alt: alt);
                break;
            case (byte)'F':
                Emit(InputKind.End, ctrl: ctrl, alt: alt);
                break;
            case (byte)'Z':
                Emit(InputKind.BackTab, ctrl: ctrl, alt: alt);
                break;
            case (byte)'~' when _params[0] == 200:
                BeginPaste();
                break;
            case (byte)'~':
                TildeKey(_params[0], ctrl, alt);
                break;
            case (byte)'^' or (byte)'@':
                TildeKey(_params[0], ctrl: true, alt: false);
                break;
            case (byte)'$':
                TildeKey(_params[0], ctrl: false, alt: false);
                break;
            case (byte)'M' when count == 0:
                _state = State.X10Mouse;
                _mouseBytes = 0;
                break;
            case (byte)'[' when count == 0:
                _state = State.SkipOne;
                break;
        }
    }

    /// <summary>The "ESC [ n ~" keys; the rest (2 Insert, 11-24 F-keys, a stray 201 paste end, ...) are ignored.</summary>
    private void TildeKey(int number, bool ctrl, bool alt)
    {
        InputKind? kind = number switch
        {
            1 or 7 => InputKind.Home,
            4 or 8 => InputKind.End,
            3 => InputKind.Delete,
            5 => InputKind.PageUp,
            6 => InputKind.PageDown,
            _ => null,
        };
        if (kind is { } k)
            Emit(k, ctrl: ctrl, alt: alt);
    }

    private void Ss3(byte b)
    {
        if (b is >= 0x20 and <= 0x3F) // a modifier digit ("ESC O 5 A", old xterm); the last digit counts
        {
            _ss3Started = true;
            if (b is >= (byte)'0' and <= (byte)'9')
                _ss3Modifier = b - '0';
            return;
        }
        if (b is < 0x40 or > 0x7E)
        {
            if (b == Esc)
                _state = State.Escape;
            else
                Abandon(b);
            return;
        }
        _state = State.Ground;
        (bool ctrl, bool alt) = Modifiers(_ss3Modifier);
        switch (b)
        {
            case (byte)'A':
                Emit(InputKind.Up, ctrl: ctrl, alt: alt);
                break;
            case (byte)'B':
                Emit(InputKind.Down, ctrl: ctrl, alt: alt);
                break;
            case (byte)'C':
                Emit(InputKind.Right, ctrl: ctrl, alt: alt);
                break;
            case (byte)'D':
                Emit(InputKind.Left, ctrl: ctrl, alt: alt);
                break;
            case (byte)'H':
                Emit(InputKind.Home, ctrl: ctrl, alt: alt);
                break;
            case (byte)'F':
                Emit(InputKind.End, ctrl: ctrl, alt: alt);
                break;
            case >= (byte)'a' and <= (byte)'d': // rxvt: Ctrl-arrows
                Emit(b switch { (byte)'a' => InputKind.Up, (byte)'b' => InputKind.Down, (byte)'c' => InputKind.Right, _ => InputKind.Left }, ctrl: true);
                break;
            case (byte)'M':
                Emit(InputKind.Enter, ctrl: ctrl, alt: alt);
                break;
            case (byte)'I':
                Emit(InputKind.Tab, ctrl: ctrl, alt: alt);
                break;
            case (byte)'X':
                Emit(InputKind.Char, new Rune('='));
                break;
            case >= (byte)'j' and <= (byte)'y': // application keypad: * + , - . / 0..9
                Emit(InputKind.Char, new Rune((char)(b - 0x40)));
                break;
        }
    }

    /// <summary>The final byte of "ESC [ &lt; b ; x ; y": M is a press (the wheel only presses), m a release.</summary>
    private void SgrMouse(byte final)
    {
        if (final == 'M' && !_unknown && _paramIndex == 2)
            Wheel(_params[0]);
    }

    private void X10Mouse(byte b)
    {
        if (_mouseBytes == 0)
            _mouseButton = b;
        if (++_mouseBytes < 3)
            return;
        _state = State.Ground;
        Wheel(_mouseButton - 32);
    }

    private void Wheel(int button)
    {
        bool ctrl = (button & 16) != 0;
        bool alt = (button & 8) != 0;
        switch (button & ~(4 | 8 | 16))
        {
            case 64:
                Emit(InputKind.WheelUp, ctrl: ctrl, alt: alt);
                break;
            case 65:
                Emit(InputKind.WheelDown, ctrl: ctrl, alt: alt);
                break;
        }
    }
}
