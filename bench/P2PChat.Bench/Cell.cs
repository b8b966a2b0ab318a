// One cell of the table: everything reported for one figure and one program, one entry per round. Numbers show
// as their median (a noisy round on a shared machine then does not decide the figure); texts as their distinct
// values, so a problem seen in any round stays visible. A pooled cell instead keeps every sample of every round and
// shows one percentile of them all: a p99 of 200 lines is their second worst, which one stall decides, and the
// median of a few of those moved by a fifth from run to run; the p99 of 21 rounds' 4,200 lines is their 42nd worst.
using System.Globalization;

namespace P2PChat.Bench;

/// <param name="pooled">The percentile (0-1) a pooled cell shows of all its samples; null: the median of one number a
/// round.</param>
internal sealed class Cell(string? format, double? pooled = null)
{
    private readonly List<double> _numbers = [];
    private readonly List<string> _texts = [];

    public void Add(double value) => _numbers.Add(value);

    public void AddSamples(IEnumerable<double> samples) => _numbers.AddRange(samples);

    public void Add(string text) => _texts.Add(text);

    /// <summary>The median of the numbers (a pooled cell: its percentile of them); null for a text cell.</summary>
    public double? Value => _numbers.Count == 0 ? null
        : pooled is double p ? Stats.Percentile(_numbers, p) : Stats.Median(_numbers);

    public string Text => Value is double value
        ? value.ToString(format, CultureInfo.InvariantCulture)
        : string.Join(" / ", _texts.Distinct());
}
