using System.Globalization;
using BenchmarkDotNet.Attributes;
using BulkData.Pdf;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Writer;

namespace BulkData.Benchmarks;

/// <summary>
/// PDF report of the rows: BulkData's sink (SkiaSharp's PDF back end, the table laid out, wrapped and paged)
/// against PdfPig's document builder writing the same cells at fixed positions, the other library on our
/// registry that writes PDF (PDFsharp is AGPL here). PdfPig keeps the whole document until it is built.
/// </summary>
[MemoryDiagnoser]
public class PdfExportBenchmarks : FormatBenchmark
{
    private static readonly byte[] Font = ReadFont();
    private BenchmarkRow[] rows = [];

    [GlobalSetup]
    public void Setup() => rows = Datasets.Rows(Rows);

    [Benchmark(Baseline = true, Description = "PdfPig builder, fixed positions")]
    public long PdfPigBuilder()
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddTrueTypeFont(Font);
        PdfPageBuilder? page = null;
        var y = 0.0;
        var culture = CultureInfo.InvariantCulture;
        foreach (var row in rows)
        {
            if (page is null || y < 40)
            {
                page = builder.AddPage(595, 842);
                y = 800;
            }

            string[] cells = [row.Id.ToString(culture), row.Count.ToString(culture), row.Price.ToString(culture), row.Ratio.ToString(culture), row.Active ? "true" : "false",
                row.Created.ToString("O", culture), row.Due.ToString("yyyy-MM-dd", culture), row.Key.ToString(), row.Tier.ToString(), Printable(row.Name)];
            for (var c = 0; c < cells.Length; c++)
            {
                page.AddText(cells[c], 6, new PdfPoint(20 + (c * 56), y), font);
            }

            y -= 10;
        }

        return builder.Build().LongLength;
    }

    [Benchmark(Description = "BulkData PDF export")]
    public Task<long> BulkDataExport() => ExportAsync(rows, output => PdfSink.ToStream(output, new PdfSinkOptions { Landscape = true, FontSize = 6 }));

    /// <summary>PdfPig throws on a character its font lacks (the dataset's CJK names): those become '?'.</summary>
    private static string Printable(string text) =>
        string.Create(text.Length, text, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = source[i] is '\n' or '\r' ? ' ' : source[i] > '\u2FFF' ? '?' : source[i];
            }
        });

    private static byte[] ReadFont()
    {
        using var resource = typeof(PdfSink).Assembly.GetManifestResourceStream("BulkData.Pdf.DejaVuSans.ttf")!;
        using var copy = new MemoryStream();
        resource.CopyTo(copy);
        return copy.ToArray();
    }
}
