using BenchmarkDotNet.Attributes;
using BulkData.Sinks;
using BulkData.Sources;

namespace BulkData.Benchmarks;

/// <summary>What every format's benchmark shares: the row counts and BulkData's side of the comparison.</summary>
public abstract class FormatBenchmark
{
    /// <summary>Rows per run: 10,000 in quick mode, then 100,000 and 1,000,000 in the full run.</summary>
    [ParamsSource(nameof(Sizes))]
    public int Rows { get; set; }

    public static IEnumerable<int> Sizes => QuickMode.Sizes;

    /// <summary>BulkData's import into a list, with row outcomes off as a large import would run.</summary>
    protected async Task<List<BenchmarkRow>> ImportAsync(IImportSource source)
    {
        var rows = new List<BenchmarkRow>(Rows);
        await Datasets.Importer.For<BenchmarkRow>().From(source).WithOptions(o => o.RecordRowOutcomes = false).IntoAsync(rows);
        return rows;
    }

    /// <summary>BulkData's export of the rows to a stream that only counts bytes.</summary>
    protected static async Task<long> ExportAsync(IEnumerable<BenchmarkRow> rows, Func<Stream, IExportSink> sink)
    {
        var output = new CountingStream();
        await using var writer = sink(output);
        await Datasets.Exporter.For<BenchmarkRow>().From(rows).ToAsync(writer);
        return output.Length;
    }
}
