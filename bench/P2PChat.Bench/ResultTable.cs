// Collects the figures (one row per figure, one column per program; with several rounds, each cell shows the
// median) and failure notes, and prints them as a Markdown table with a ratio column per program against the
// reference (program / reference, so above 1 means "more" of whatever the row counts).
using System.Globalization;
using System.Text;

namespace P2PChat.Bench;

internal sealed class ResultTable
{
    private readonly List<string> _rows = []; // in the order figures were first reported
    private readonly Dictionary<(string Row, string Program), Cell> _cells = [];
    private readonly List<string> _notes = [];
    private readonly HashSet<string> _notCompared = []; // rows about the run, not the programs: no ratio

    public bool HasFailures { get; private set; }

    /// <param name="compare">False for figures about the run rather than the program (no ratio is shown).</param>
    public void Add(string row, string program, double value, string format, bool compare = true)
    {
        CellFor(row, program, format).Add(value);
        if (!compare)
            _notCompared.Add(row);
    }

    public void AddText(string row, string program, string text) => CellFor(row, program, null).Add(text);

    /// <summary>Samples of one round for a row that shows <paramref name="percentile"/> of every round's samples
    /// together (Cell).</summary>
    public void AddPooled(string row, string program, IEnumerable<double> samples, double percentile, string format) =>
        CellFor(row, program, format, percentile).AddSamples(samples);

    public void Failed(string note)
    {
        HasFailures = true;
        _notes.Add(note);
    }

    private Cell CellFor(string row, string program, string? format, double? pooled = null)
    {
        if (!_rows.Contains(row))
            _rows.Add(row);
        if (!_cells.TryGetValue((row, program), out Cell? cell))
            _cells[(row, program)] = cell = new Cell(format, pooled);
        return cell;
    }

    public void Print(TextWriter output, IReadOnlyList<ProgramSpec> programs, string? reference)
    {
        var header = new List<string> { "figure" };
        header.AddRange(programs.Select(p => p.Name));
        var ratioOf = programs.Where(p => reference is not null && p.Name != reference).Select(p => p.Name).ToList();
        header.AddRange(ratioOf.Select(name => $"{name} / {reference}"));

        // The programs' figures first, then those about the run (harness CPU, others' load), under a heading row.
        var lines = new List<string[]>();
        var order = _rows.Where(r => !_notCompared.Contains(r)).ToList();
        if (_notCompared.Count > 0)
            order.AddRange(["", .. _rows.Where(_notCompared.Contains)]);
        foreach (string row in order)
        {
            if (row.Length == 0)
            {
                lines.Add([.. header.Select((_, i) => i == 0 ? "*run conditions*" : "")]);
                continue;
            }
            var line = new List<string> { row };
            line.AddRange(programs.Select(p => _cells.TryGetValue((row, p.Name), out Cell? cell) ? cell.Text : "-"));
            line.AddRange(ratioOf.Select(name => Ratio(row, name, reference!)));
            lines.Add([.. line]);
        }

        int[] widths = [.. header.Select((h, i) => Math.Max(h.Length, lines.Count == 0 ? 0 : lines.Max(l => l[i].Length)))];
        output.WriteLine(Format(header, widths));
        output.WriteLine("|" + string.Join("|", widths.Select((w, i) => i == 0 ? new string('-', w + 2) : new string('-', w + 1) + ":")) + "|");
        foreach (string[] line in lines)
            output.WriteLine(Format(line, widths));
        if (_notes.Count > 0)
            output.WriteLine();
        foreach (string note in _notes)
            output.WriteLine($"* {note}");
    }

    private string Ratio(string row, string program, string reference)
    {
        if (!_notCompared.Contains(row) && _cells.TryGetValue((row, program), out Cell? cell) && cell.Value is double value
            && _cells.TryGetValue((row, reference), out Cell? against) && against.Value is double basis && basis != 0)
            return (value / basis).ToString("0.00", CultureInfo.InvariantCulture);
        return "";
    }

    private static string Format(IReadOnlyList<string> cells, int[] widths)
    {
        var text = new StringBuilder("|");
        for (int i = 0; i < cells.Count; i++)
            text.Append(' ').Append(i == 0 ? cells[i].PadRight(widths[i]) : cells[i].PadLeft(widths[i])).Append(" |");
        return text.ToString();
    }
}
