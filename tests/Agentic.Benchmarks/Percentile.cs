namespace Agentic.Benchmarks;

/// <summary>Nearest-rank percentiles, as every benchmark here reports them.</summary>
public static class Percentile
{
    /// <summary>The value at fraction <paramref name="p"/> (0.5 = median, 0.95 = p95, 1 = max); NaN when there is none.</summary>
    public static double Of(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
