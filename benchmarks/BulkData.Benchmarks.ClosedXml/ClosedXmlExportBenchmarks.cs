using BenchmarkDotNet.Attributes;

namespace BulkData.Benchmarks;

/// <summary>
/// ClosedXML, the DOM most applications use (every cell an object until the workbook is saved), against the
/// SpreadCheetah writer: BulkData's XLSX export is measured against the same SpreadCheetah writer in the main
/// project, so ClosedXML's time ÷ BulkData's is this ratio ÷ that one.
/// </summary>
[MemoryDiagnoser]
public class ClosedXmlExportBenchmarks
{
    private BenchmarkRow[] rows = [];

    /// <summary>Rows per run: 10,000 in quick mode (set by Program), 10,000 and 100,000 in the full run.</summary>
    [ParamsSource(nameof(Sizes))]
    public int Rows { get; set; }

    /// <summary>The row counts, from the quick flag Program carries in the environment to BenchmarkDotNet's child processes.</summary>
    public static IEnumerable<int> Sizes => Environment.GetEnvironmentVariable("BULKDATA_BENCHMARK_QUICK") == "1" ? [10_000] : [10_000, 100_000];

    [GlobalSetup]
    public void Setup() => rows = [.. BenchmarkRow.Generate(Rows)];

    [Benchmark(Baseline = true, Description = "SpreadCheetah 1.28")]
    public async Task<long> SpreadCheetahExport()
    {
        var output = new CountingStream();
        await SpreadCheetahWorkbook.WriteAsync(output, rows);
        return output.Length;
    }

    [Benchmark(Description = "ClosedXML 0.95")]
    public long ClosedXmlExport()
    {
        var output = new CountingStream();
        using var workbook = new ClosedXML.Excel.XLWorkbook();
        workbook.AddWorksheet("Sheet1").Cell(1, 1).InsertTable(rows.Select(r => new { r.Id, r.Count, r.Price, r.Ratio, r.Active, r.Created, Due = r.Due.ToDateTime(TimeOnly.MinValue), Key = r.Key.ToString(), Tier = r.Tier.ToString(), r.Name }));
        workbook.SaveAs(output);
        return output.Length;
    }
}
