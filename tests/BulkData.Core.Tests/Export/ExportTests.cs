using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml.Linq;
using BulkData.Import;
using BulkData.Jobs;
using BulkData.Sinks;
using BulkData.Sources;
using ExcelDataReader;

namespace BulkData.Core.Tests.Export;

public sealed class ExportTests
{
    private static readonly Product[] Products =
    [
        new() { Sku = "A-1", Name = "Widget", UnitPrice = 12.5m, Quantity = 3, Color = Color.LightBlue, Released = new DateOnly(2024, 3, 31), Secret = "hunter2" },
        new() { Sku = "A-2", Name = "=HYPERLINK(\"http://evil\")", UnitPrice = -1m, Quantity = 0 },
    ];

    [Fact]
    public async Task ToAsync_Csv_WritesHeaderColumnsInOrderAndNeverSensitiveMembers()
    {
        using var host = new TestHost();
        using var output = new MemoryStream();

        var result = await host.Exporter.For<Product>().From(Products).Columns("Sku", "Product Name", "UnitPrice", "Released").ToAsync(CsvSink.ToStream(output));

        Assert.Equal((JobStatus.Completed, 2L), (result.Status, result.Rows));
        var text = Encoding.UTF8.GetString(output.ToArray());
        Assert.Equal("\uFEFFSku,Product Name,UnitPrice,Released\r\nA-1,Widget,12.5,2024-03-31\r\nA-2,\"'=HYPERLINK(\"\"http://evil\"\")\",-1,\r\n", text);
        Assert.DoesNotContain(host.Exporter.For<Product>().Resource.ExportColumns, c => c.MemberName == "Secret");
    }

    [Fact]
    public void Columns_Unknown_ThrowsNamingIt()
    {
        using var host = new TestHost();

        var error = Assert.Throws<BulkDataConfigurationException>(() => host.Exporter.For<Product>().Columns("Sku", "Secret"));

        Assert.Equal("Product.Secret", error.Member);
    }

    [Fact]
    public void WithOptions_OutOfRange_ThrowsNamingTheOption()
    {
        using var host = new TestHost();

        var error = Assert.Throws<BulkDataConfigurationException>(() => host.Exporter.For<Product>().WithOptions(o => o.ProgressInterval = 0));

        Assert.Equal("ExportOptions.ProgressInterval", error.Member);
    }

    [Theory]
    [InlineData("=1+2")]
    [InlineData("+1+2")]
    [InlineData("-1+2")]
    [InlineData("@SUM(A1)")]
    [InlineData("\tcmd")]
    [InlineData("\rcmd")]
    public async Task FormulaInjection_EveryDangerousPrefix_IsNeutralisedInCsvAndXlsx(string text)
    {
        using var host = new TestHost();
        var rows = new[] { new Product { Sku = text, Name = "safe" } };
        using var csv = new MemoryStream();
        using var xlsx = new MemoryStream();

        await host.Exporter.For<Product>().From(rows).Columns("Sku", "Product Name").ToAsync(CsvSink.ToStream(csv));
        await host.Exporter.For<Product>().From(rows).Columns("Sku", "Product Name").ToAsync(XlsxSink.ToStream(xlsx));

        var csvRow = Encoding.UTF8.GetString(csv.ToArray()).Split("\r\n")[1];
        Assert.StartsWith("'", csvRow.TrimStart('"'), StringComparison.Ordinal);
        var (value, quotePrefixed) = FirstDataCell(xlsx.ToArray());
        Assert.Equal(text, value);
        Assert.True(quotePrefixed);
    }

    [Fact]
    public async Task FormulaInjection_SwitchedOff_WritesTextAsItIs()
    {
        using var host = new TestHost();
        using var csv = new MemoryStream();

        await host.Exporter.For<Product>().From([new Product { Sku = "=1+2" }]).Columns("Sku").ToAsync(CsvSink.ToStream(csv, new CsvSinkOptions { NeutralizeFormulas = false }));

        Assert.Equal("=1+2", Encoding.UTF8.GetString(csv.ToArray()).Split("\r\n")[1]);
    }

    [Fact]
    public async Task ToAsync_Xlsx_IsTypedAndReadableByExcelDataReader()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        using var host = new TestHost();
        using var output = new MemoryStream();

        await host.Exporter.For<Product>().From(Products).ToAsync(XlsxSink.ToStream(output, new XlsxSinkOptions { SheetName = "Products" }));

        using var reader = ExcelReaderFactory.CreateReader(new MemoryStream(output.ToArray()));
        Assert.Equal("Products", reader.Name);
        reader.Read();
        Assert.Equal(["Sku", "Product Name", "UnitPrice", "Quantity", "Color", "Released", "internal_code", "InternalNotes"], Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetValue(i)));
        reader.Read();
        Assert.Equal(["A-1", "Widget", 12.5d, 3d, "LightBlue", new DateTime(2024, 3, 31), null, null], Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetValue(i)));
        var sheet = SheetXml(output.ToArray());
        XNamespace main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        Assert.Equal("frozen", sheet.Descendants(main + "pane").Single().Attribute("state")!.Value);
        Assert.Equal("A1:H3", sheet.Descendants(main + "autoFilter").Single().Attribute("ref")!.Value);
        using var archive = new ZipArchive(new MemoryStream(output.ToArray()));
        using var workbook = archive.GetEntry("xl/workbook.xml")!.Open();
        Assert.Equal("'Products'!$A$1:$H$3", XDocument.Load(workbook).Descendants(main + "definedName").Single().Value);
    }

    [Fact]
    public async Task ToAsync_Json_WritesTypedValuesAndNulls()
    {
        using var host = new TestHost();
        using var output = new MemoryStream();

        await host.Exporter.For<Product>().From(Products).Columns("Sku", "UnitPrice", "Quantity", "Released").ToAsync(JsonSink.ToStream(output));

        Assert.Equal(
            """[{"Sku":"A-1","UnitPrice":12.5,"Quantity":3,"Released":"2024-03-31"},{"Sku":"A-2","UnitPrice":-1,"Quantity":0,"Released":null}]""",
            Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public async Task ToAsync_ComputedColumnsAndCulture_ComeFromTheResource()
    {
        using var host = new TestHost(b => b.AddResource<Product>(r => r
            .Culture(CultureInfo.GetCultureInfo("de-DE"))
            .Column(p => p.Released, c => c.Format("dd.MM.yyyy"))
            .Computed("Value", p => p.UnitPrice * p.Quantity)));
        using var output = new MemoryStream();

        await host.Exporter.For<Product>().From(Products.Take(1)).Columns("Sku", "UnitPrice", "Released", "Value").ToAsync(CsvSink.ToStream(output, new CsvSinkOptions { Delimiter = ';' }));

        Assert.Equal("Sku;UnitPrice;Released;Value\r\nA-1;12,5;31.03.2024;37,5\r\n", Encoding.UTF8.GetString(output.ToArray()).TrimStart('\uFEFF'));
    }

    [Fact]
    public async Task ToAsync_AsyncSourceWithProgress_IsAJobWithCounts()
    {
        using var host = new TestHost();
        var progress = new List<JobProgress>();
        using var output = new MemoryStream();

        var result = await host.Exporter.For<Product>()
            .From(Generate(2_500))
            .OwnedBy("ann", "acme")
            .WithOptions(o => o.ProgressInterval = 1_000)
            .WithProgress(new Collect(progress))
            .ToAsync(JsonSink.ToStream(output, new JsonSinkOptions { Ndjson = true }));

        var job = (await host.Jobs.GetAsync(result.JobId))!;
        Assert.Equal((JobKind.Export, "ndjson", "ann", "acme", JobStatus.Completed, 2_500L), (job.Kind, job.Format, job.Owner, job.Tenant, job.Status, job.Counts.Read));
        Assert.Equal([1_000L, 2_000L, 2_500L], progress.Select(p => p.RowsProcessed));
        Assert.Equal(2_500, Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(["created", "started", "completed"], (await host.Jobs.GetHistoryAsync(job.Id)).Select(e => e.Action));
    }

    [Fact]
    public async Task ToAsync_Cancelled_EndsTheJobCancelled()
    {
        using var host = new TestHost();
        using var cancellation = new CancellationTokenSource();
        var progress = new CancelOnReport(cancellation);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Exporter.For<Product>().From(Generate(10_000)).WithProgress(progress).ToAsync(CsvSink.ToStream(Stream.Null), cancellation.Token));

        var job = Assert.Single(await host.Jobs.QueryAsync(new JobQuery { Kind = JobKind.Export }).ToListAsync());
        Assert.Equal(JobStatus.Cancelled, job.Status);
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("xlsx")]
    [InlineData("json")]
    public async Task ErrorReport_WritesTheRejectedRowsWithAnErrorColumn_ReadyToReimport(string format)
    {
        using var host = new TestHost();
        using var file = new MemoryStream();
        var good = new Product { Sku = "OK-1", Name = "fine" };
        var rows = new[] { good, new Product { Sku = "BAD-1", Name = "" }, new Product { Sku = "BAD-2", Name = "x", Quantity = 99_999 } };
        await host.Exporter.For<Product>().From(rows).Columns("Sku", "Product Name", "Quantity").ToAsync(Sink(format, file));
        IImportSource source = format switch { "csv" => CsvSource.FromStream(file), "xlsx" => XlsxSource.FromStream(file), _ => JsonSource.FromStream(file) };
        var result = await host.Importer.For<Product>().From(source).DryRunAsync();
        using var report = new MemoryStream();

        var written = await ImportErrorReport.WriteAsync(source, result, ImportErrorReport.SinkFor(source, report));

        Assert.Equal(2, written);
        IImportSource reread = format switch { "csv" => CsvSource.FromStream(report), "xlsx" => XlsxSource.FromStream(report), _ => JsonSource.FromStream(report) };
        var preview = await host.Importer.For<Product>().From(reread).PreviewAsync();
        Assert.Equal(["BAD-1", "BAD-2"], preview.PreviewRows.Select(r => r.Cells[0]));
        Assert.Equal(["Product Name: The Product Name field is required.", "Quantity: The field Quantity must be between 0 and 10000."], preview.PreviewRows.Select(r => r.Cells[3]));
        Assert.Contains("Column 4 ('Errors') is not imported: no field matches it.", preview.Warnings);
    }

    /// <summary>Issue 16: the source names its report's sink, so a semicolon file's report is a semicolon file.</summary>
    [Fact]
    public async Task ErrorReport_SemicolonCsv_IsWrittenWithTheSourcesDelimiter()
    {
        using var host = new TestHost();
        var source = CsvSource.FromStream(new MemoryStream("Sku;Product Name;Quantity\nOK-1;fine;1\nBAD-1;;2\n"u8.ToArray()), options: new CsvSourceOptions { Delimiter = ';' });
        var result = await host.Importer.For<Product>().From(source).DryRunAsync();
        using var report = new MemoryStream();

        await ImportErrorReport.WriteAsync(source, result, ImportErrorReport.SinkFor(source, report));

        Assert.Equal("Sku;Product Name;Quantity;Errors\r\nBAD-1;;2;Product Name: The Product Name field is required.\r\n", System.Text.Encoding.UTF8.GetString(report.ToArray()).TrimStart('\uFEFF'));
    }

    [Fact]
    public void ErrorReport_SourceThatNamesNoSink_AsksForOne()
    {
        var error = Assert.Throws<NotSupportedException>(() => ImportErrorReport.SinkFor(new NoReportSource(), Stream.Null));

        Assert.Equal("The 'ledger' source names no sink for its error report; pass your own IExportSink to WriteAsync.", error.Message);
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("xlsx")]
    public async Task ErrorReport_DangerousValueFromTheUpload_IsNeutralizedForSpreadsheets(string format)
    {
        using var host = new TestHost();
        using var upload = new MemoryStream();
        const string Dangerous = "=HYPERLINK(\"http://evil.example\")";
        await host.Exporter.For<Product>().From([new Product { Sku = Dangerous, Name = "" }]).Columns("Sku", "Product Name")
            .ToAsync(format == "csv" ? CsvSink.ToStream(upload, new CsvSinkOptions { NeutralizeFormulas = false }) : XlsxSink.ToStream(upload, new XlsxSinkOptions { NeutralizeFormulas = false }));
        IImportSource source = format == "csv" ? CsvSource.FromStream(upload) : XlsxSource.FromStream(upload);
        var result = await host.Importer.For<Product>().From(source).DryRunAsync();
        using var report = new MemoryStream();

        await ImportErrorReport.WriteAsync(source, result, ImportErrorReport.SinkFor(source, report));

        if (format == "csv")
        {
            Assert.Contains("'=HYPERLINK", System.Text.Encoding.UTF8.GetString(report.ToArray()), StringComparison.Ordinal);
            return;
        }

        // Excel shows a quote-prefixed cell as text and never runs it; the text itself is unchanged.
        using var package = DocumentFormat.OpenXml.Packaging.SpreadsheetDocument.Open(new MemoryStream(report.ToArray()), false);
        var workbook = package.WorkbookPart!;
        var cell = workbook.WorksheetParts.Single().Worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.Cell>().First(c => c.CellReference == "A2");
        var style = workbook.WorkbookStylesPart!.Stylesheet.CellFormats!.Elements<DocumentFormat.OpenXml.Spreadsheet.CellFormat>().ElementAt((int)cell.StyleIndex!.Value);
        Assert.True(style.QuotePrefix?.Value);
        Assert.Equal(Dangerous, (await host.Importer.For<Product>().From(XlsxSource.FromStream(report)).PreviewAsync()).PreviewRows.Single().Cells[0]);
    }

    private static IExportSink Sink(string format, Stream output) => format switch
    {
        "csv" => CsvSink.ToStream(output),
        "xlsx" => XlsxSink.ToStream(output),
        _ => JsonSink.ToStream(output),
    };

    private static async IAsyncEnumerable<Product> Generate(int count)
    {
        for (var i = 1; i <= count; i++)
        {
            await Task.Yield();
            yield return new Product { Sku = $"P-{i}", Name = $"Item {i}", UnitPrice = i, Quantity = i % 100 };
        }
    }

    private static XDocument SheetXml(byte[] xlsx)
    {
        using var archive = new ZipArchive(new MemoryStream(xlsx));
        using var sheet = archive.GetEntry("xl/worksheets/sheet1.xml")!.Open();
        return XDocument.Load(sheet);
    }

    /// <summary>The text of A2 and whether its style carries Excel's quote prefix.</summary>
    private static (string Value, bool QuotePrefixed) FirstDataCell(byte[] xlsx)
    {
        XNamespace main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        using var archive = new ZipArchive(new MemoryStream(xlsx));
        XDocument Load(string name)
        {
            using var part = archive.GetEntry(name)!.Open();
            return XDocument.Load(part);
        }

        var cell = Load("xl/worksheets/sheet1.xml").Descendants(main + "c").Single(c => c.Attribute("r")!.Value == "A2");
        var style = int.Parse(cell.Attribute("s")?.Value ?? "0", CultureInfo.InvariantCulture);
        var xf = Load("xl/styles.xml").Descendants(main + "cellXfs").Single().Elements(main + "xf").ElementAt(style);
        return (cell.Descendants(main + "t").Single().Value, xf.Attribute("quotePrefix")?.Value == "1");
    }

    private sealed class Collect(List<JobProgress> reports) : IProgress<JobProgress>
    {
        public void Report(JobProgress value) => reports.Add(value);
    }

    private sealed class CancelOnReport(CancellationTokenSource source) : IProgress<JobProgress>
    {
        public void Report(JobProgress value) => source.Cancel();
    }

    private sealed class NoReportSource : IImportSource
    {
        public string Format => "ledger";

        public string? Name => null;

        public ValueTask<IImportReader> OpenAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
