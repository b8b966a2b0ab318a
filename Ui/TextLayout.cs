// Text as a terminal lays it out: user-perceived characters (extended grapheme clusters, UAX #29) of 0, 1 or 2 cells,
// never split across rows or columns. Wrapping keeps styles: a row that breaks inside a styled run closes the style
// at its end and reopens it on the next row, so every row can be redrawn on its own.
using System.Text;

namespace P2PChat.Ui;

internal static class TextLayout
{
    /// <summary>Cells of one grapheme cluster.</summary>
    public static int ClusterWidth(ReadOnlySpan<char> cluster) => CellWidth.OfCluster(cluster);

    /// <summary>Length in chars of the cluster starting at <paramref name="index"/>.</summary>
    public static int ClusterLength(string text, int index) =>
        index >= text.Length ? 0 : Math.Max(1, CellWidth.NextCluster(text.AsSpan(index), out _));

    /// <summary>Cells of a whole string.</summary>
    public static int Width(string text)
    {
        int width = 0;
        for (int i = 0; i < text.Length;)
        {
            int length = ClusterLength(text, i);
            width += ClusterWidth(text.AsSpan(i, length));
            i += length;
        }
        return width;
    }

    /// <summary>The longest prefix of <paramref name="text"/> that fits in <paramref name="width"/> cells.</summary>
    public static string Fit(string text, int width)
    {
        int used = 0;
        int i = 0;
        while (i < text.Length)
        {
            int length = ClusterLength(text, i);
            int w = ClusterWidth(text.AsSpan(i, length));
            if (used + w > width)
                break;
            used += w;
            i += length;
        }
        return text[..i];
    }

    /// <summary>Lays <paramref name="runs"/> out in rows of at most <paramref name="width"/> cells (a cluster that does
    /// not fit at the end of a row starts the next one) and appends each row, with its SGR sequences when
    /// <paramref name="styled"/>, to <paramref name="rows"/>. Rows after the first start with <paramref name="indent"/>
    /// spaces (at most half the width). Returns the number of rows added (at least 1).</summary>
    public static int Wrap(IReadOnlyList<StyledText> runs, int width, List<string> rows, bool styled = true, int indent = 0)
    {
        width = Math.Max(1, width);
        indent = Math.Clamp(indent, 0, width / 2);
        var row = new StringBuilder();
        int used = 0;
        int added = 0;
        foreach (StyledText run in runs)
        {
            string text = run.Text;
            bool open = false;
            for (int i = 0; i < text.Length;)
            {
                int length = ClusterLength(text, i);
                int w = ClusterWidth(text.AsSpan(i, length));
                if (used + w > width && used > 0)
                {
                    if (open)
                        row.Append("\x1b[0m");
                    rows.Add(row.ToString());
                    added++;
                    row.Clear();
                    row.Append(' ', indent);
                    used = indent;
                    open = false;
                }
                if (!open && styled && run.Sgr.Length > 0)
                {
                    row.Append("\x1b[").Append(run.Sgr).Append('m');
                    open = true;
                }
                row.Append(text, i, length);
                used += w;
                i += length;
            }
            if (open)
                row.Append("\x1b[0m");
        }
        rows.Add(row.ToString());
        return added + 1;
    }
}
