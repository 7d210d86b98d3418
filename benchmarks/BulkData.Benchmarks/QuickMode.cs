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

    /// <summary>Row counts chosen with --rows (e.g. --rows 10000,100000), carried like the quick flag.</summary>
    public static string? Rows
    {
        get => Environment.GetEnvironmentVariable("BULKDATA_BENCHMARK_ROWS");
        set => Environment.SetEnvironmentVariable("BULKDATA_BENCHMARK_ROWS", value);
    }

    /// <summary>Quick mode measures 10,000 rows; the full run 10,000, 100,000 and 1,000,000; --rows overrides both.</summary>
    public static IEnumerable<int> Sizes =>
        Rows is { } rows ? rows.Split(',').Select(r => int.Parse(r, System.Globalization.CultureInfo.InvariantCulture))
        : IsOn ? [10_000] : [10_000, 100_000, 1_000_000];
}
