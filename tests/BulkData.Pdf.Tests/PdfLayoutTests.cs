using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Core;

namespace BulkData.Pdf.Tests;

/// <summary>A stock level: the values issue 28 found drawn over each other.</summary>
public enum StockLevel
{
    /// <summary>None left.</summary>
    Out,

    /// <summary>Some left.</summary>
    Low,

    /// <summary>Plenty.</summary>
    InStock,
}

public sealed class Measurement
{
    public int Id { get; set; }

    public double Ratio { get; set; }

    public decimal Total { get; set; }

    public DateTimeOffset Taken { get; set; }

    public StockLevel Level { get; set; }

    public bool Checked { get; set; }

    public string Name { get; set; } = "";

    public string Remarks { get; set; } = "";
}

/// <summary>Issue 28: a table laid out from its content, read back with PdfPig.</summary>
public sealed class PdfLayoutTests
{
    private static readonly string[] Poppler = ["/usr/bin/pdftoppm", "/usr/local/bin/pdftoppm"];
    private static readonly string[] Names = ["Ann Smith", "Борис Иванов", "Γιώργος Παπαδόπουλος", "Zoë Ærø"];

    private static Measurement[] Rows(int count) => [.. Enumerable.Range(1, count).Select(i => new Measurement
    {
        Id = i,
        Ratio = i / 3.0,
        Total = (i * 1_234_567.891m) + 0.5m,
        Taken = new DateTimeOffset(2025, 3, 1, 11, 0, i % 60, TimeSpan.FromHours(2)),
        Level = (StockLevel)(i % 3),
        Checked = i % 2 == 0,
        Name = Names[i % Names.Length] + (i % 7 == 0 ? " of the company with a rather long registered name, limited" : ""),
        Remarks = i % 5 == 0 ? "A remark long enough to wrap inside its column, at the spaces between its words and nowhere else" : "ok",
    })];

    private static async Task<PdfDocument> ReportAsync(Measurement[] rows, PdfSinkOptions? options = null)
    {
        using var services = new ServiceCollection().AddBulkData(b => b.AddResource<Measurement>()).Services.BuildServiceProvider();
        var output = new MemoryStream();
        await services.GetRequiredService<IBulkExporter>().For<Measurement>().From(rows).ToAsync(PdfSink.ToStream(output, options));
        return PdfDocument.Open(output.ToArray());
    }

    [Fact]
    public async Task Cells_NeverOverlap_OnTheFirstPages()
    {
        using var pdf = await ReportAsync(Rows(200));

        foreach (var page in pdf.GetPages().Take(3))
        {
            // Letter by letter: a number drawn into the next cell may read as one word with it.
            var letters = page.Letters.Where(l => !string.IsNullOrWhiteSpace(l.Value)).ToList();
            for (var i = 0; i < letters.Count; i++)
            {
                for (var j = i + 1; j < letters.Count; j++)
                {
                    Assert.False(Overlap(letters[i].BoundingBox, letters[j].BoundingBox), $"Page {page.Number}: '{letters[i].Value}' overlaps '{letters[j].Value}' at {letters[i].BoundingBox}.");
                }
            }
        }
    }

    [Fact]
    public async Task NumbersAndTimes_AppearWholeInTheirRow_TimesInAReadableForm()
    {
        var rows = Rows(30);
        using var pdf = await ReportAsync(rows);

        var words = pdf.GetPage(1).GetWords().Select(w => w.Text).ToHashSet(StringComparer.Ordinal);
        foreach (var row in rows.Take(10))
        {
            Assert.Contains(row.Ratio.ToString(CultureInfo.InvariantCulture), words);
            Assert.Contains(row.Total.ToString(CultureInfo.InvariantCulture), words);
            Assert.Contains(row.Taken.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), words);
            Assert.Contains(row.Taken.ToString("HH:mm:ss", CultureInfo.InvariantCulture), words);
        }

        Assert.DoesNotContain(words, w => w.Contains("T11:00", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EnumsAndText_AreLeftAligned_NumbersRightAligned()
    {
        using var pdf = await ReportAsync(Rows(30));

        var words = pdf.GetPage(1).GetWords().ToList();
        var header = words.First(w => w.Text == "Level");
        var levels = words.Where(w => w.Text is "Out" or "Low" or "InStock").ToList();
        Assert.True(levels.Count >= 20);
        Assert.All(levels, l => Assert.Equal(header.BoundingBox.Left, l.BoundingBox.Left, 1.0));
        var totals = words.Where(w => w.Text.EndsWith(".391", StringComparison.Ordinal) || w.Text.EndsWith(".282", StringComparison.Ordinal)).ToList();
        Assert.True(totals.Count >= 2);
        Assert.All(totals, t => Assert.Equal(totals[0].BoundingBox.Right, t.BoundingBox.Right, 0.5));
    }

    [Fact]
    public async Task WideTable_TurnsThePageByItself_UnlessTold()
    {
        using (var automatic = await ReportAsync(Rows(20)))
        {
            Assert.True(automatic.GetPage(1).Width > automatic.GetPage(1).Height);
        }

        using var portrait = await ReportAsync(Rows(20), new PdfSinkOptions { Landscape = false });
        Assert.True(portrait.GetPage(1).Width < portrait.GetPage(1).Height);
    }

    [Fact]
    public async Task Pages_CarryTheTitleAndTheirNumber_TheGenerationTimeInTheReportsCulture()
    {
        var options = new PdfSinkOptions { Title = "Stock", Culture = CultureInfo.GetCultureInfo("de-DE"), Time = new FixedTime() };
        using var pdf = await ReportAsync(Rows(200), options);

        Assert.Contains("01.12.2026 09:00", pdf.GetPage(1).Text, StringComparison.Ordinal);
        foreach (var page in pdf.GetPages())
        {
            var text = string.Join(" ", page.GetWords().Select(w => w.Text));
            Assert.Contains("Stock", text, StringComparison.Ordinal);
            Assert.Contains($"Page {page.Number}", text, StringComparison.Ordinal);
        }
    }

    [Trait("Category", "Poppler")]
    [Fact]
    public async Task Report_RenderedByPoppler_IsTheSampleImageInTheDocs()
    {
        var pdftoppm = Poppler.FirstOrDefault(File.Exists);
        Assert.True(pdftoppm is not null, "Rendering the report needs poppler's pdftoppm: apt-get install poppler-utils (.ci/run does).");
        var folder = Directory.CreateTempSubdirectory("bulkdata-pdf-").FullName;
        var pdf = Path.Combine(folder, "report.pdf");
        using (var services = new ServiceCollection().AddBulkData(b => b.AddResource<Measurement>()).Services.BuildServiceProvider())
        await using (var sink = PdfSink.ToFile(pdf, new PdfSinkOptions { Title = "Stock", Description = "Every measurement of March 2025", Time = new FixedTime() }))
        {
            await services.GetRequiredService<IBulkExporter>().For<Measurement>().From(Rows(40)).ToAsync(sink);
        }

        using var render = Process.Start(new ProcessStartInfo(pdftoppm!, $"-png -r 60 -f 1 -l 1 -singlefile \"{pdf}\" \"{Path.Combine(folder, "page")}\"") { RedirectStandardError = true })!;
        var error = await render.StandardError.ReadToEndAsync();
        await render.WaitForExitAsync();

        Assert.True(render.ExitCode == 0, error);
        var png = await File.ReadAllBytesAsync(Path.Combine(folder, "page.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        if (Environment.GetEnvironmentVariable("BULKDATA_SAMPLE_IMAGE") is { } sample)
        {
            File.Copy(Path.Combine(folder, "page.png"), sample, overwrite: true);
        }

        Directory.Delete(folder, recursive: true);
    }

    private static bool Overlap(PdfRectangle a, PdfRectangle b)
    {
        const double Tolerance = 1;
        return a.Left + Tolerance < b.Right && b.Left + Tolerance < a.Right && a.Bottom + Tolerance < b.Top && b.Bottom + Tolerance < a.Top;
    }

    private sealed class FixedTime : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    }
}
