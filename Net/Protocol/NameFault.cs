// Why a name is refused, as a value: TextRules finds the first fault without allocating (it runs on every frame);
// the command line turns it into a sentence once (TextRules.ExplainBadName).
namespace P2PChat.Net;

internal enum NameFault
{
    None,
    Empty,
    TooLong,
    InvalidUtf8,
    /// <summary>Starts or ends with a space (any Unicode white space).</summary>
    EdgeSpace,
    /// <summary>A C0 or C1 control character or DEL.</summary>
    Control,
    /// <summary>A bidirectional control (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069): it reorders what
    /// is drawn after it, so `alice\u202Eecila` could be shown as another name.</summary>
    BidiControl,
    /// <summary>A character that draws nothing: a format character (category Cf: zero-width space and joiners, word
    /// joiner, BOM, soft hyphen...), a line or paragraph separator, or a Hangul filler.</summary>
    Invisible,
    /// <summary>A combining mark (Mn, Mc, Me) first: it would draw onto whatever is shown before the name.</summary>
    LeadingMark,
}
