// The published binary lays out first the managed methods a peer runs (p2pchat.order, written by tools/code-order.sh),
// so that a peer's resident code is one run of pages instead of most of the binary. Read from the build's own symbols
// (publish/p2pchat.dbg, through nm): a build that stopped handing the list to ILC would scatter them again, and only
// the processes' memory would show it.
using System.Diagnostics;
using System.Globalization;

namespace P2PChat.Tests.EndToEnd;

public sealed class CodeLayoutTests
{
    [Test]
    public async Task The_published_binary_lays_out_the_methods_p2pchat_order_names_together_at_the_front()
    {
        string root = Path.GetDirectoryName(NativeBinary.Path)!;
        string[] listed = File.ReadAllLines(Path.Combine(root, "p2pchat.order"));
        string symbolsFile = Path.Combine(root, "publish", "p2pchat.dbg");
        await Assert.That(File.Exists(symbolsFile)).IsTrue().Because($"{symbolsFile} is written by ./build.sh");
        var names = new HashSet<string>(listed, StringComparer.Ordinal);
        List<(long Address, long Size, bool Listed)> code = await CodeSymbolsAsync(symbolsFile, names);

        var found = code.Where(s => s.Listed).ToList();
        // A list a little older than the code still names most of it (methods renamed since come after the rest).
        await Assert.That(found.Count).IsGreaterThan(names.Count * 8 / 10)
            .Because($"{found.Count} of the {names.Count} names in p2pchat.order are methods of this build");
        long start = found.Min(s => s.Address), end = found.Max(s => s.Address + s.Size);
        long unlistedInside = code.Where(s => !s.Listed && s.Address >= start && s.Address < end).Sum(s => s.Size);
        await Assert.That(unlistedInside * 20).IsLessThan(end - start)
            .Because($"the listed methods span {end - start:N0} bytes, {unlistedInside:N0} of them other methods");
    }

    /// <summary>Every code symbol with a size, one per address (folded methods share one), listed when any of its
    /// names is in <paramref name="listed"/>.</summary>
    private static async Task<List<(long Address, long Size, bool Listed)>> CodeSymbolsAsync(string file, HashSet<string> listed)
    {
        var start = new ProcessStartInfo("nm", ["-n", "-S", "--defined-only", file]) { RedirectStandardOutput = true };
        using Process nm = Process.Start(start)!;
        string output = await nm.StandardOutput.ReadToEndAsync();
        await nm.WaitForExitAsync();
        var byAddress = new Dictionary<long, (long Size, bool Listed)>();
        foreach (string line in output.Split('\n'))
        {
            string[] fields = line.Split(' ');
            if (fields.Length != 4 || fields[2] is not ("t" or "T"))
                continue;
            long address = long.Parse(fields[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            long size = long.Parse(fields[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            byAddress.TryGetValue(address, out (long Size, bool Listed) seen);
            byAddress[address] = (Math.Max(seen.Size, size), seen.Listed || listed.Contains(fields[3]));
        }
        return byAddress.Select(kv => (kv.Key, kv.Value.Size, kv.Value.Listed)).OrderBy(s => s.Key).ToList();
    }
}
