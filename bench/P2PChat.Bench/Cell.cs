// One cell of the table: everything reported for one figure and one program, one entry per round. Numbers show
// as their median (a noisy round on a shared machine then does not decide the figure); texts as their distinct
// values, so a problem seen in any round stays visible.
using System.Globalization;

namespace P2PChat.Bench;

internal sealed class Cell(string? format)
{
    private readonly List<double> _numbers = [];
    private readonly List<string> _texts = [];

    public void Add(double value) => _numbers.Add(value);

    public void Add(string text) => _texts.Add(text);

    /// <summary>Median of the numbers; null for a text cell.</summary>
    public double? Value => _numbers.Count == 0 ? null : Stats.Median(_numbers);

    public string Text => Value is double value
        ? value.ToString(format, CultureInfo.InvariantCulture)
        : string.Join(" / ", _texts.Distinct());
}
