using System.IO.Compression;
using System.Text;
using BulkData.Jobs;
using BulkData.Sources;
using BulkData.Validation;
using static BulkData.Core.Tests.Formats.OpenXmlWorkbooks;

namespace BulkData.Core.Tests.Formats;

/// <summary>Broken XLSX and JSON files end the job with a located, actionable error; none crashes or writes.</summary>
public sealed class FormatBadInputTests
{
    private static async Task<(BulkData.ImportResult Result, List<Product> Written)> ImportAsync(IImportSource source)
    {
        using var host = new TestHost();
        var written = new List<Product>();
        var result = await host.Importer.For<Product>().From(source).IntoAsync(written);
        Assert.Equal(result.Status, (await host.Jobs.GetAsync(result.JobId))!.Status);
        return (result, written);
    }

    [Fact]
    public async Task Xlsx_CorruptZip_FailsWithAClearError()
    {
        var bytes = Create(false, ("Sheet1", (data, shared) => data.Append(Row(1, shared.Cell("A1", "Sku")))));
        var (result, written) = await ImportAsync(XlsxSource.FromStream(new MemoryStream(bytes[..(bytes.Length / 2)]), "half.xlsx"));

        Assert.Equal(JobStatus.Failed, result.Status);
        Assert.Empty(written);
        Assert.StartsWith("The file is not a valid Excel workbook (.xlsx)", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Xlsx_ZipThatIsNotAWorkbook_FailsWithAClearError()
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using var entry = archive.CreateEntry("readme.txt").Open();
            await entry.WriteAsync("hello"u8.ToArray());
        }

        var (result, _) = await ImportAsync(XlsxSource.FromStream(zip, "archive.zip"));

        Assert.Equal(JobStatus.Failed, result.Status);
        Assert.Equal(RowErrorKind.File, Assert.Single(result.Errors).Kind);
        Assert.Equal("The file is a ZIP archive but not an Excel workbook: it has no workbook part. Save it from Excel as .xlsx.", result.Errors[0].Message);
    }

    [Fact]
    public async Task Xlsx_TextFileRenamed_FailsWithAClearError()
    {
        var (result, _) = await ImportAsync(XlsxSource.FromStream(new MemoryStream("Sku,Name\nA,B\n"u8.ToArray()), "products.xlsx"));

        Assert.Equal(JobStatus.Failed, result.Status);
        Assert.Contains("not a valid Excel workbook", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Xlsx_MissingSheet_NamesTheSheetsThereAre()
    {
        var bytes = Create(false, ("Products", (data, shared) => data.Append(Row(1, shared.Cell("A1", "Sku")))), ("Prices", (data, _) => { }));

        var (result, _) = await ImportAsync(XlsxSource.FromStream(new MemoryStream(bytes), options: new XlsxSourceOptions { SheetName = "Stock" }));

        Assert.Equal(JobStatus.Failed, result.Status);
        Assert.Equal("The workbook has no sheet named 'Stock'. Its sheets are: Products, Prices.", Assert.Single(result.Errors).Message);
    }

    [Fact]
    public async Task Json_Truncated_FailsWithLineAndPosition()
    {
        var (result, written) = await ImportAsync(JsonSource.FromText("[\n  {\"Sku\": \"A-1\", \"Product Name\": \"W\"},\n  {\"Sku\": \"A-2\", \"Product Na"));

        Assert.Equal(JobStatus.Failed, result.Status);
        Assert.Empty(written);
        var error = Assert.Single(result.Errors);
        Assert.Equal((RowErrorKind.File, 3L), (error.Kind, error.LineNumber));
        Assert.StartsWith("Line 3, position ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_InvalidSyntax_FailsWithLineAndPosition()
    {
        var (result, _) = await ImportAsync(JsonSource.FromText("[\n{\"Sku\": \"A-1\", \"Product Name\": \"W\"},\n{\"Sku\": A-2}\n]"));

        var error = Assert.Single(result.Errors);
        Assert.Equal(3L, error.LineNumber);
        Assert.StartsWith("Line 3, position 9: The file is not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_ScalarWhereAnObjectIsExpected_IsARowErrorWithItsLine()
    {
        var (result, written) = await ImportAsync(JsonSource.FromText("[\n{\"Sku\": \"A-1\", \"Product Name\": \"W\"},\n42,\n{\"Sku\": \"A-3\", \"Product Name\": \"G\"}\n]"));

        Assert.Equal(JobStatus.ValidationFailed, result.Status);
        Assert.Empty(written);
        var error = Assert.Single(result.Errors);
        Assert.Equal((RowErrorKind.Structure, 2L, 3L), (error.Kind, error.RowNumber, error.LineNumber));
        Assert.Equal("This record is a number, not an object with named fields.", error.Message);
    }

    /// <summary>Issue 25: an escaped surrogate that does not pair is the row's error, naming the field; the other rows import.</summary>
    [Theory]
    [InlineData("\\ud800")]
    [InlineData("x\\udc00y")]
    [InlineData("\\ud800\\u0041")]
    [InlineData("\\ud800\\ud800")]
    public async Task Json_AnUnpairedEscapedSurrogate_IsARowErrorNamingTheField(string escaped)
    {
        using var host = new TestHost();
        var written = new List<Product>();
        var json = $"[\n{{\"Sku\": \"A-1\", \"Product Name\": \"W\"}},\n{{\"Sku\": \"A-2\", \"Product Name\": \"{escaped}\"}},\n{{\"Sku\": \"A-3\", \"Product Name\": \"G\"}}\n]";

        var result = await host.Importer.For<Product>().From(JsonSource.FromText(json)).WithOptions(o => o.CommitMode = BulkData.CommitMode.Partial).IntoAsync(written);

        var error = Assert.Single(result.Errors);
        Assert.Equal((RowErrorKind.Conversion, 2L, 3L, "Product Name"), (error.Kind, error.RowNumber, error.LineNumber, error.Column));
        Assert.Contains("not a whole character", error.Message, StringComparison.Ordinal);
        Assert.Equal(["A-1", "A-3"], written.Select(p => p.Sku));
    }

    [Fact]
    public async Task Json_TopLevelScalar_FailsWithAClearError()
    {
        var (result, _) = await ImportAsync(JsonSource.FromText("  \"just text\""));

        Assert.Equal(JobStatus.Failed, result.Status);
        Assert.Equal("Line 1, position 1: The file holds a text value where a list of records ([ ... ]) or one record per line was expected.", Assert.Single(result.Errors).Message);
    }

    [Fact]
    public async Task Json_UnknownFieldAndNestedObject_AreReported()
    {
        var json = "{\"Sku\": \"A-1\", \"Product Name\": \"W\", \"InternalNotes\": null}\n{\"Sku\": \"A-2\", \"Product Name\": \"G\", \"Colour\": \"red\"}\n{\"Sku\": \"A-3\", \"Product Name\": \"H\", \"InternalNotes\": {\"by\": \"ann\"}}\n";
        using var host = new TestHost();
        var written = new List<Product>();

        var result = await host.Importer.For<Product>().From(JsonSource.FromText(json)).WithOptions(o => o.CommitMode = BulkData.CommitMode.Partial).IntoAsync(written);

        var error = Assert.Single(result.Errors);
        Assert.Equal((2L, 2L, "Colour", "red"), (error.RowNumber, error.LineNumber, error.Column, error.RawValue));
        Assert.Equal("{\"by\": \"ann\"}", written.Single(p => p.Sku == "A-3").InternalNotes);
    }

    [Fact]
    public async Task Json_NumbersAndBooleans_ReadInvariantlyWhateverTheColumnCulture()
    {
        using var host = new TestHost(b => b.AddResource<Product>(r => r.Culture(System.Globalization.CultureInfo.GetCultureInfo("de-DE"))));
        var written = new List<Product>();

        await host.Importer.For<Product>().From(JsonSource.FromText("[{\"Sku\": \"A\", \"Product Name\": \"W\", \"UnitPrice\": 1234.5, \"Quantity\": 3}]")).IntoAsync(written);

        Assert.Equal((1234.5m, 3), (written[0].UnitPrice, written[0].Quantity));
    }

    [Fact]
    public async Task Json_EmptyFileAndEmptyArray_AreClearResults()
    {
        var (empty, _) = await ImportAsync(JsonSource.FromText("  "));
        var (none, _) = await ImportAsync(JsonSource.FromText("[]"));

        Assert.Equal(JobStatus.ValidationFailed, empty.Status);
        Assert.StartsWith("The file is empty", empty.Errors[0].Message, StringComparison.Ordinal);
        Assert.Equal(JobStatus.ValidationFailed, none.Status);
    }

    [Fact]
    public async Task Json_Utf8Bom_IsSkipped()
    {
        var bytes = Encoding.UTF8.Preamble.ToArray().Concat("[{\"Sku\": \"A\", \"Product Name\": \"W\"}]"u8.ToArray()).ToArray();

        var (result, written) = await ImportAsync(JsonSource.FromStream(new MemoryStream(bytes)));

        Assert.True(result.Succeeded);
        Assert.Equal("A", written.Single().Sku);
    }

    /// <summary>Issue 24: every source's options are checked when the source is made, naming the option; a [Range] is never left unchecked.</summary>
    [Fact]
    public void SourceOptionsOutOfRange_AreRefusedNamingTheOption()
    {
        var csv = Assert.Throws<BulkDataConfigurationException>(() => CsvSource.FromText("a\n1\n", options: new CsvSourceOptions { MaxFieldLength = 0 }));
        var xlsx = Assert.Throws<BulkDataConfigurationException>(() => XlsxSource.FromStream(new MemoryStream(), options: new XlsxSourceOptions { HeaderRow = -1 }));
        var json = Assert.Throws<BulkDataConfigurationException>(() => JsonSource.FromText("[]", options: new JsonSourceOptions { MaxDepth = 0 }));

        Assert.Equal(["CsvSourceOptions.MaxFieldLength", "XlsxSourceOptions.HeaderRow", "JsonSourceOptions.MaxDepth"], new[] { csv.Member, xlsx.Member, json.Member });
    }
}
