using System.Text;
using BulkData.Jobs;
using BulkData.Sources;

namespace BulkData.Core.Tests.Jobs;

/// <summary>Issue 11: pollers know the total (XLSX: from the sheet's dimension) or an estimate (CSV, JSON) before the end.</summary>
public sealed class TotalRowsTests
{
    private static async Task<List<JobProgress>> ImportAsync(IImportSource source)
    {
        using var host = new TestHost(b => b.AddResource<Product>());
        var reports = new List<JobProgress>();
        var result = await host.Importer.For<Product>().From(source)
            .WithOptions(o => { o.CommitMode = CommitMode.Partial; o.BatchSize = 100; })
            .WithProgress(new Recorder(reports))
            .IntoAsync(new List<Product>());
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return reports;
    }

    [Fact]
    public async Task Xlsx_TotalComesFromTheSheetsDimension_BeforeTheFirstBatchIsWritten()
    {
        // 500 rows under a header, written by ClosedXML 0.95.4 (with its <dimension ref="A1:B501"/>).
        await using var file = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Formats", "Files", "closedxml-0.95.4-500-rows.xlsx"));

        var reports = await ImportAsync(XlsxSource.FromStream(file));

        Assert.Equal(500, reports[0].TotalRows);
        Assert.Equal(100, reports[0].RowsProcessed);
    }

    [Fact]
    public async Task Csv_TotalIsEstimatedFromTheBytesRead_AndExactAtTheEnd()
    {
        var csv = new StringBuilder("Sku,Product Name\n");
        for (var i = 0; i < 20_000; i++)
        {
            csv.Append("S-").Append(i).Append(",item\n");
        }

        var reports = await ImportAsync(CsvSource.FromStream(new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString()))));

        Assert.All(reports, r => Assert.NotNull(r.TotalRows));
        Assert.InRange(reports[0].TotalRows!.Value, 100, 20_000);
        Assert.Equal(20_000, reports[^1].TotalRows);
    }

    private sealed class Recorder(List<JobProgress> reports) : IProgress<JobProgress>
    {
        public void Report(JobProgress value) => reports.Add(value);
    }
}
