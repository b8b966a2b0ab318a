// Lines entered before, for Up/Down in the input field (bash's and PSReadLine's model): Up walks back from the
// newest, Down walks forward and finally returns the line that was being typed when Up was first pressed.
namespace P2PChat.Ui;

internal sealed class InputHistory
{
    public const int Capacity = 200;

    private readonly List<string> _entries = [];
    private int _position; // == _entries.Count while not browsing
    private string _draft = "";

    public int Count => _entries.Count;

    /// <summary>Remembers an entered line (not a repeat of the previous one) and stops browsing.</summary>
    public void Add(string line)
    {
        if (line.Length > 0 && (_entries.Count == 0 || _entries[^1] != line))
        {
            if (_entries.Count == Capacity)
                _entries.RemoveAt(0);
            _entries.Add(line);
        }
        _position = _entries.Count;
        _draft = "";
    }

    /// <summary>The previous entry, or null at the oldest. <paramref name="current"/> is saved as the draft first.</summary>
    public string? Previous(string current)
    {
        if (_position == 0)
            return null;
        if (_position == _entries.Count)
            _draft = current;
        return _entries[--_position];
    }

    /// <summary>The next entry, the draft after the newest, or null when not browsing.</summary>
    public string? Next()
    {
        if (_position >= _entries.Count)
            return null;
        _position++;
        return _position == _entries.Count ? _draft : _entries[_position];
    }
}
