using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using BulkData.Jobs;
using BulkData.Sources;
using static BulkData.Core.Tests.Formats.OpenXmlWorkbooks;

namespace BulkData.Core.Tests.Formats;

/// <summary>
/// Issue 10: each limit hit by a crafted file gives a typed error naming the limit and the setting that
/// raises it, and the import fails cleanly: nothing written, the job failed with the reason.
/// </summary>
public sealed class LimitTests
{
    public sealed class Row
    {
        public string? A { get; set; }

        public string? B { get; set; }
    }

    private static async Task<ImportResult> ImportAsync(IImportSource source, Action<ImportOptions>? options = null)
    {
        using var host = new TestHost(b => b.AddResource<Row>());
        var written = new List<Row>();
        var result = await host.Importer.For<Row>().From(source).WithOptions(o => options?.Invoke(o)).IntoAsync(written);
        Assert.Empty(written);
        return result;
    }

    private static void AssertLimit(ImportResult result, string limit)
    {
        Assert.Equal(JobStatus.Failed, result.Status);
        var error = Assert.Single(result.Errors);
        Assert.Contains(limit, error.Message, StringComparison.Ordinal);
        Assert.Contains("raise", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Workbook(int rows, int sharedTexts = 0) => Create(false, ("Sheet1", (data, strings) =>
    {
        data.Append(OpenXmlWorkbooks.Row(1, strings.Cell("A1", "A"), strings.Cell("B1", "B")));
        for (var r = 2; r <= rows + 1; r++)
        {
            data.Append(OpenXmlWorkbooks.Row((uint)r, r - 2 < sharedTexts ? strings.Cell($"A{r}", $"text {r}") : Inline($"A{r}", $"inline {r}")));
        }
    }));

    private static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var entry = archive.CreateEntry(name, CompressionLevel.SmallestSize).Open();
                entry.Write(content);
            }
        }

        return zip.ToArray();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Xlsx_LargerThanMaxFileBytes_IsRefused(bool seekable)
    {
        var bytes = Workbook(50);
        var stream = seekable ? new MemoryStream(bytes) : (Stream)new AsyncOnlyStream(bytes, seekable: false);

        var result = await ImportAsync(XlsxSource.FromStream(stream, options: new XlsxSourceOptions { MaxFileBytes = 1_000 }));

        AssertLimit(result, "XlsxSourceOptions.MaxFileBytes");
    }

    [Fact]
    public async Task Xlsx_ZipBomb_IsRefusedByItsCompressionRatio()
    {
        var bomb = Zip(("[Content_Types].xml", "<Types/>"u8.ToArray()), ("xl/worksheets/sheet1.xml", new byte[50 * 1024 * 1024]));

        var result = await ImportAsync(XlsxSource.FromStream(new MemoryStream(bomb)));

        Assert.True(bomb.Length < 200_000, $"{bomb.Length} bytes");
        AssertLimit(result, "XlsxSourceOptions.MaxCompressionRatio");
    }

    [Fact]
    public async Task Xlsx_UnpackingToMoreThanMaxDecompressedBytes_IsRefused()
    {
        var result = await ImportAsync(XlsxSource.FromStream(new MemoryStream(Workbook(200)), options: new XlsxSourceOptions { MaxDecompressedBytes = 4_000 }));

        AssertLimit(result, "XlsxSourceOptions.MaxDecompressedBytes");
    }

    [Fact]
    public async Task Xlsx_MoreZipEntriesThanMaxZipEntries_IsRefused()
    {
        var many = Zip(Enumerable.Range(0, 50).Select(i => ($"xl/media/image{i}.png", new byte[] { 1 })).ToArray());

        var result = await ImportAsync(XlsxSource.FromStream(new MemoryStream(many), options: new XlsxSourceOptions { MaxZipEntries = 20 }));

        AssertLimit(result, "XlsxSourceOptions.MaxZipEntries");
    }

    [Theory]
    [InlineData(nameof(XlsxSourceOptions.MaxSharedStrings))]
    [InlineData(nameof(XlsxSourceOptions.MaxSharedStringChars))]
    public async Task Xlsx_MoreSharedTextsThanTheLimit_IsRefused(string limit)
    {
        var options = limit == nameof(XlsxSourceOptions.MaxSharedStrings) ? new XlsxSourceOptions { MaxSharedStrings = 10 } : new XlsxSourceOptions { MaxSharedStringChars = 50 };

        var result = await ImportAsync(XlsxSource.FromStream(new MemoryStream(Workbook(30, sharedTexts: 30)), options: options));

        AssertLimit(result, $"XlsxSourceOptions.{limit}");
    }

    [Trait("Category", "Node")]
    [Fact]
    public async Task Xlsx_PasswordProtectedWorkbook_SaysSo()
    {
        var encrypted = await ExcelJsWorkbooks.WriteAsync("encrypted.js");

        var result = await ImportAsync(XlsxSource.FromStream(new MemoryStream(encrypted), "secret.xlsx"));

        Assert.Equal(JobStatus.Failed, result.Status);
        Assert.Contains("password-protected", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_MoreColumnsThanMaxColumns_IsRefused()
    {
        var header = string.Join(',', Enumerable.Range(0, 30).Select(i => $"C{i}"));

        var result = await ImportAsync(CsvSource.FromText(header + "\n" + new string(',', 29) + "\n"), o => o.MaxColumns = 20);

        AssertLimit(result, "ImportOptions.MaxColumns");
    }

    [Fact]
    public async Task Csv_MoreRowsThanMaxRows_IsRefusedAndNothingIsWritten()
    {
        var csv = "A,B\n" + string.Concat(Enumerable.Range(0, 100).Select(i => $"{i},x\n"));

        var result = await ImportAsync(CsvSource.FromText(csv), o => o.MaxRows = 10);

        AssertLimit(result, "ImportOptions.MaxRows");
        Assert.Equal(11, result.Counts.Read);
    }

    [Fact]
    public async Task Json_NestedDeeperThanMaxDepth_IsRefused()
    {
        var json = "[{\"A\": " + new string('[', 200) + new string(']', 200) + "}]";

        var result = await ImportAsync(JsonSource.FromText(json));

        AssertLimit(result, "JsonSourceOptions.MaxDepth");
    }

    [Fact]
    public async Task Json_RecordLargerThanMaxRecordBytes_IsRefused()
    {
        var json = "[{\"A\": \"" + new string('x', 5_000) + "\"}]";

        var result = await ImportAsync(JsonSource.FromText(json, options: new JsonSourceOptions { MaxRecordBytes = 1_024 }));

        AssertLimit(result, "JsonSourceOptions.MaxRecordBytes");
    }

    [Fact]
    public async Task Import_ManyBadRowsWithLongValues_KeepsErrorsWithinMaxErrorBytes()
    {
        using var host = new TestHost(b => b.AddResource<Product>());
        var csv = new StringBuilder("Sku,Product Name,Quantity\n");
        var value = new string('9', 10_000);
        for (var i = 0; i < 2_000; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"S{i},n,{value}\n");
        }

        var result = await host.Importer.For<Product>().From(CsvSource.FromText(csv.ToString())).WithOptions(o => o.MaxErrorBytes = 64 * 1024).IntoAsync(new List<Product>());

        Assert.Equal(2_000, result.ErrorCount);
        var kept = result.Errors.Sum(e => (e.Message.Length + (e.RawValue?.Length ?? 0) + (e.Column?.Length ?? 0)) * 2);
        Assert.InRange(kept, 1, 64 * 1024);
        Assert.All(result.Errors, e => Assert.InRange(e.RawValue!.Length, 1, 257));
    }
}

/// <summary>
/// A 1 MB hostile file never costs more than 64 MB of memory or 10 s of CPU. Run alone, so the
/// allocation count is this test's own.
/// </summary>
[Collection(MeasuredAlone.Name)]
public sealed class HostileFileBudgetTests
{
    public static TheoryData<string> Files => ["xlsx-bomb", "xlsx-wide", "xlsx-shared-bomb", "csv-one-field", "csv-commas", "csv-quotes", "json-deep", "json-wide"];

    private static (IImportSource Source, int Bytes) Hostile(string name)
    {
        const int Megabyte = 1024 * 1024;
        switch (name)
        {
            case "xlsx-bomb":
            {
                using var zip = new MemoryStream();
                using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
                {
                    using var entry = archive.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open();
                    var zeros = new byte[Megabyte];
                    for (var i = 0; i < 1_000; i++)
                    {
                        entry.Write(zeros);
                    }
                }

                return (XlsxSource.FromStream(new MemoryStream(zip.ToArray())), (int)zip.Length);
            }

            case "xlsx-wide":
            {
                var bytes = OpenXmlWorkbooks.Create(false, ("Sheet1", (data, strings) =>
                {
                    for (uint r = 1; r <= 4; r++)
                    {
                        data.Append(OpenXmlWorkbooks.Row(r, Enumerable.Range(0, 16_384).Select(c => OpenXmlWorkbooks.Number(null, c)).ToArray()));
                    }
                }));
                return (XlsxSource.FromStream(new MemoryStream(bytes)), bytes.Length);
            }

            case "xlsx-shared-bomb":
            {
                var bytes = OpenXmlWorkbooks.Create(false, ("Sheet1", (data, strings) =>
                {
                    data.Append(OpenXmlWorkbooks.Row(1, strings.Cell("A1", "A")));
                    var text = new string('x', 40_000);
                    for (var i = 0; i < 2_000; i++)
                    {
                        strings.Cell(null, text + i);
                    }
                }));
                return (XlsxSource.FromStream(new MemoryStream(bytes)), bytes.Length);
            }

            case "csv-one-field":
                return (CsvSource.FromText("A\n\"" + new string('x', Megabyte)), Megabyte);
            case "csv-commas":
                return (CsvSource.FromText("A,B\n" + new string(',', Megabyte)), Megabyte);
            case "csv-quotes":
                return (CsvSource.FromText("A,B\n" + string.Concat(Enumerable.Repeat("\"\"\"\",", Megabyte / 5))), Megabyte);
            case "json-deep":
                return (JsonSource.FromText("[{\"A\":" + new string('[', Megabyte / 2) + new string(']', Megabyte / 2) + "}]"), Megabyte);
            default:
                return (JsonSource.FromText("[{" + string.Join(',', Enumerable.Range(0, 60_000).Select(i => $"\"k{i}\":1")) + "}]"), Megabyte);
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Import_HostileFileOfAboutOneMegabyte_StaysWithin64MegabytesAnd10Seconds(string name)
    {
        var (source, bytes) = Hostile(name);
        using var host = new TestHost(b => b.AddResource<LimitTests.Row>());
        GC.Collect();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();

        var result = await host.Importer.For<LimitTests.Row>().From(source).IntoAsync(new List<LimitTests.Row>());

        clock.Stop();
        var used = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        Assert.True(bytes <= 1_100_000, $"{name} is {bytes:N0} bytes");
        Assert.NotNull(result.Job.CompletedAt);
        Assert.True(used < 64L * 1024 * 1024, $"{name}: {used:N0} bytes allocated");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{name}: {clock.Elapsed}");
    }
}
