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
}
