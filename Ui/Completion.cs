// Tab completion in the input field: the word before the cursor is completed to a command (":pe" -> ":peers", only
// as the first word) or a user name ("bo" or "@bo" -> "bob"; at the start of the line "bob: ", as IRC clients do).
// Pressing Tab again cycles through the other matches; any other key ends the cycle. Pure logic.
namespace P2PChat.Ui;

internal sealed class Completion
{
    private List<string>? _matches;
    private int _index;
    private int _start;
    private string _lastText = "";

    /// <summary>Completes in <paramref name="input"/>; false (and nothing changes) when nothing matches.</summary>
    public bool Complete(InputLine input, IReadOnlyList<string> names, IReadOnlyList<string> commands)
    {
        if (_matches is not null && input.Text == _lastText)
        {
            _index = (_index + 1) % _matches.Count; // Tab again: the next match, in place of this one
            Apply(input);
            return true;
        }

        string text = input.Text;
        int start = input.Cursor;
        while (start > 0 && !char.IsWhiteSpace(text[start - 1]))
            start--;
        string word = text[start..input.Cursor];
        bool atStart = text[..start].Trim().Length == 0;
        List<string> matches;
        if (word.StartsWith(':') && atStart)
        {
            matches = [.. commands.Where(c => c.StartsWith(word, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
        }
        else
        {
            string prefix = word.StartsWith('@') ? word[1..] : word;
            string at = word.StartsWith('@') ? "@" : "";
            string suffix = atStart && at.Length == 0 ? ": " : " ";
            matches = [.. names.Distinct().Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.OrdinalIgnoreCase).Select(n => at + n + suffix)];
            if (prefix.Length == 0 && at.Length == 0)
                matches.Clear(); // Tab on nothing does not spray names
        }
        if (matches.Count == 0)
        {
            Reset();
            return false;
        }
        if (word.StartsWith(':'))
            matches = [.. matches.Select(c => c + " ")];
        _matches = matches;
        _index = 0;
        _start = start;
        Apply(input);
        return true;
    }

    /// <summary>Ends a cycle (called for every key but Tab).</summary>
    public void Reset() => _matches = null;

    private void Apply(InputLine input)
    {
        input.ReplaceBeforeCursor(_start, _matches![_index]);
        _lastText = input.Text;
    }
}
