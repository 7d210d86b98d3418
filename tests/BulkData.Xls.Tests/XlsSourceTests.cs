using System.ComponentModel.DataAnnotations;
using System.Text;
using BulkData.Jobs;
using BulkData.Sources;
using BulkData.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace BulkData.Xls.Tests;

/// <summary>
/// Issue 25: Excel 97-2003 workbooks, as LibreOffice writes them from a known table (<c>soffice --convert-to xls</c>):
/// every value as the XLSX source reads the same table saved as .xlsx, imported into a resource, queued by name.
/// </summary>
[Trait("Category", "LibreOffice")]
public sealed class XlsSourceTests : IClassFixture<XlsSourceTests.Workbooks>
{
    private readonly Workbooks files;

    public XlsSourceTests(Workbooks files) => this.files = files;

    /// <summary>One row of the known table: text, numbers, a flag, dates with and without a time, an empty cell.</summary>
    public sealed class Book
    {
        [Key]
        public string Isbn { get; set; } = "";

        public string Title { get; set; } = "";

        public decimal Price { get; set; }

        public int Pages { get; set; }

        public bool InPrint { get; set; }

        public DateOnly Published { get; set; }

        public DateTime? Updated { get; set; }

        public string? Notes { get; set; }
    }

    public static readonly Book[] Table =
    [
        new() { Isbn = "978-0-00-000001-1", Title = "Dune", Price = 9.99m, Pages = 412, InPrint = true, Published = new DateOnly(1965, 8, 1), Updated = new DateTime(2024, 3, 1, 13, 30, 0), Notes = "classic, \"must read\"" },
        new() { Isbn = "978-0-00-000002-8", Title = "Ünïcödé — 東京", Price = 0.5m, Pages = 1, InPrint = false, Published = new DateOnly(1999, 12, 31) },
        new() { Isbn = "978-0-00-000003-5", Title = "Line\nbreak", Price = 1234567.25m, Pages = 65_000, InPrint = true, Published = new DateOnly(2000, 2, 29), Updated = new DateTime(1900, 3, 1, 0, 0, 1) },
    ];

    /// <summary>The table as BulkData writes it to .xlsx, and as LibreOffice converts that to .xls.</summary>
    public sealed class Workbooks : IAsyncLifetime
    {
        public string Folder { get; } = Directory.CreateTempSubdirectory("bulkdata-xls-").FullName;

        public string Xlsx => Path.Combine(Folder, "books.xlsx");

        public string Xls => Path.Combine(Folder, "books.xls");

        public async Task InitializeAsync()
        {
            using var services = Services();
            await using (var sink = XlsxSink.ToFile(Xlsx))
            {
                await services.GetRequiredService<IBulkExporter>().For<Book>().From(Table).ToAsync(sink);
            }

            await Programs.RunAsync("soffice", $"-env:UserInstallation=file://{Folder}/profile --headless --convert-to xls --outdir \"{Folder}\" \"{Xlsx}\"", Folder, "Install LibreOffice: apt-get install libreoffice-calc-nogui (the README's test command does).");
        }

        public Task DisposeAsync()
        {
            Directory.Delete(Folder, recursive: true);
            return Task.CompletedTask;
        }
    }

    private static ServiceProvider Services() =>
        new ServiceCollection().AddBulkData(b => b.AddResource<Book>().AddXlsImport().UseInProcessRunner()).Services.BuildServiceProvider();

    [Fact]
    public async Task EveryCell_ReadsAsTheXlsxSourceReadsTheSameTable()
    {
        var expected = await RowsAsync(XlsxSource.FromFile(files.Xlsx));
        var actual = await RowsAsync(XlsSource.FromFile(files.Xls));

        Assert.Equal(Table.Length, actual.Count);
        Assert.Equal(expected, actual);
    }

    /// <summary>A sheet read without a header row: its first data row keeps its typed cells, as every later row does.</summary>
    [Fact]
    public async Task WithoutAHeaderRow_EveryCell_ReadsAsTheXlsxSourceReadsIt()
    {
        var options = (Xlsx: new XlsxSourceOptions { HasHeaderRow = false, HeaderRow = 2 }, Xls: new XlsSourceOptions { HasHeaderRow = false, HeaderRow = 2 });

        var expected = await RowsAsync(XlsxSource.FromFile(files.Xlsx, options.Xlsx));
        var actual = await RowsAsync(XlsSource.FromFile(files.Xls, options.Xls));

        Assert.Equal(Table.Length, actual.Count);
        Assert.Contains("(typed)", actual[0].Cells, StringComparison.Ordinal);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task TheWorkbook_ImportsIntoTheResource_ValueForValue()
    {
        using var services = Services();
        var books = new List<Book>();

        var result = await services.GetRequiredService<IBulkImporter>().For<Book>().From(XlsSource.FromFile(files.Xls)).IntoAsync(books);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(
            Table.Select(b => (b.Isbn, b.Title, b.Price, b.Pages, b.InPrint, b.Published, b.Updated, b.Notes)),
            books.Select(b => (b.Isbn, b.Title, b.Price, b.Pages, b.InPrint, b.Published, b.Updated, b.Notes)));
        Assert.Equal("xls", result.Job.Format);
    }

    [Fact]
    public async Task AQueuedUploadNamedXls_IsReadWithTheXlsReader()
    {
        var books = new List<Book>();
        await using var services = new ServiceCollection()
            .AddBulkData(b => b.AddResource<Book>().AddXlsImport().UseInProcessRunner().AddImportTarget<Book>(_ => new BulkData.Import.CollectionTarget<Book>(books)))
            .Services.BuildServiceProvider();

        await using var upload = File.OpenRead(files.Xls);
        var id = await services.GetRequiredService<IBulkImporter>().For<Book>().EnqueueAsync(upload, "from the bank.xls");
        await services.GetRequiredService<IQueuedJobExecutor>().RunAsync(id);

        var job = (await services.GetRequiredService<IJobStore>().GetAsync(id))!;
        Assert.True(job.Status == JobStatus.Completed, $"{job.Status}: {job.FailureReason}");
        Assert.Equal("xls", job.Format);
        Assert.Equal(Table.Select(b => b.Isbn), books.Select(b => b.Isbn));
    }

    [Fact]
    public async Task FilesThatAreNotXls_AndMissingSheets_AreRefusedSayingWhat()
    {
        var text = await Assert.ThrowsAsync<ImportSourceException>(async () => await XlsSource.FromStream(new MemoryStream(Encoding.UTF8.GetBytes("Isbn,Title\n1,x\n"))).OpenAsync());
        var xlsx = await Assert.ThrowsAsync<ImportSourceException>(async () => await XlsSource.FromFile(files.Xlsx).OpenAsync());
        var cut = await Assert.ThrowsAsync<ImportSourceException>(async () => await XlsSource.FromStream(new MemoryStream((await File.ReadAllBytesAsync(files.Xls))[..700])).OpenAsync());
        var sheet = await Assert.ThrowsAsync<ImportSourceException>(async () => await XlsSource.FromFile(files.Xls, new XlsSourceOptions { SheetName = "Nope" }).OpenAsync());
        var limit = await Assert.ThrowsAsync<ImportLimitExceededException>(async () => await XlsSource.FromFile(files.Xls, new XlsSourceOptions { MaxFileBytes = 1_000 }).OpenAsync());

        Assert.Contains("not an Excel 97-2003 workbook", text.Message, StringComparison.Ordinal);
        Assert.Contains("Upload it as .xlsx", xlsx.Message, StringComparison.Ordinal);
        Assert.Contains("cut short or damaged", cut.Message, StringComparison.Ordinal);
        Assert.Contains("no sheet named 'Nope'. Its sheets are: ", sheet.Message, StringComparison.Ordinal);
        Assert.Contains("XlsSourceOptions.MaxFileBytes", limit.Message, StringComparison.Ordinal);
    }

    /// <summary>Every data row's cells, typed or not, as the import sees them.</summary>
    private static async Task<List<(long Line, string Cells)>> RowsAsync(IImportSource source)
    {
        var rows = new List<(long, string)>();
        await using var reader = await source.OpenAsync();
        await foreach (var row in reader.ReadRowsAsync())
        {
            var typed = row.Cells as ITypedCells;
            rows.Add((row.LineNumber, string.Join(" | ", reader.Headers.Select((h, i) => $"{h}={row.Cells[i]}{(typed?.IsTyped(i) == true ? " (typed)" : string.Empty)}"))));
        }

        return rows;
    }
}
