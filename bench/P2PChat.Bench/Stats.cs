// Percentiles (nearest rank, so a reported p99 is a latency that really happened) and unit conversions.
using System.Diagnostics;

namespace P2PChat.Bench;

internal static class Stats
{
    /// <summary>The smallest sample with at least fraction p of the samples at or below it.</summary>
    public static double Percentile(IReadOnlyList<double> samples, double p)
    {
        if (samples.Count == 0)
            return double.NaN;
        double[] sorted = [.. samples.Order()];
        int rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>The middle sample, or the mean of the two middle ones.</summary>
    public static double Median(IReadOnlyList<double> samples)
    {
        double[] sorted = [.. samples.Order()];
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    public static double Micros(long stopwatchTicks) => stopwatchTicks * 1e6 / Stopwatch.Frequency;

    public static double Seconds(long stopwatchTicks) => (double)stopwatchTicks / Stopwatch.Frequency;

    public static double MiB(long kib) => kib / 1024.0;
}
