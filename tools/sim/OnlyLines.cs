// A trace writer that keeps only the lines naming one of a few hosts (P2PCHAT_SIM_TRACE_ONLY=n3167,n3536): a scale run
// of thousands of nodes writes gigabytes of trace, and a fault it found concerns a handful of them.
using System.Text;
using System.Text.RegularExpressions;

namespace P2PChat.Tests.Simulation;

internal sealed class OnlyLines(TextWriter inner, IEnumerable<string> labels) : TextWriter
{
    private readonly Regex _named = new($@"\b({string.Join("|", labels.Select(Regex.Escape))})\b", RegexOptions.CultureInvariant);

    public override Encoding Encoding => inner.Encoding;

    public override void WriteLine(string? value)
    {
        if (value is not null && _named.IsMatch(value))
            inner.WriteLine(value);
    }

    public override void Write(char value) => throw new NotSupportedException("the simulator writes whole lines");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }
}
