namespace BulkData.Benchmarks;

/// <summary>Whether --quick was given; an environment variable carries it into BenchmarkDotNet's child processes.</summary>
internal static class QuickMode
{
    private const string Variable = "BULKDATA_BENCHMARK_QUICK";

    public static bool IsOn
    {
        get => Environment.GetEnvironmentVariable(Variable) == "1";
        set => Environment.SetEnvironmentVariable(Variable, value ? "1" : null);
    }

    /// <summary>Quick mode measures 10,000 rows; the full run 10,000, 100,000 and 1,000,000.</summary>
    public static IEnumerable<int> Sizes => IsOn ? [10_000] : [10_000, 100_000, 1_000_000];
}
