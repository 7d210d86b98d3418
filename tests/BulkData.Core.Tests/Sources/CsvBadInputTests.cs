using System.Text;
using BulkData.Jobs;
using BulkData.Validation;

namespace BulkData.Core.Tests.Sources;

/// <summary>Every kind of bad CSV yields a located, actionable error; none crashes or writes anything.</summary>
public sealed class CsvBadInputTests
{
    private static async Task<(ImportResult Result, List<Product> Written)> ImportAsync(string csv, Action<ImportOptions>? options = null)
    {
        using var host = new TestHost();
        var written = new List<Product>();
        var operation = host.Importer.For<Product>().From(CsvSource.FromText(csv, "bad.csv"));
        if (options is not null)
        {
            operation = operation.WithOptions(options);
        }

        var result = await operation.IntoAsync(written);
        var stored = await host.Jobs.GetAsync(result.JobId);
        Assert.Equal(result.Status, stored!.Status);
        return (result, written);
    }

    [Fact]
    public async Task Import_UnterminatedQuote_ReportsRowLineAndColumn()
    {
        var (result, written) = await ImportAsync("Sku,Product Name,UnitPrice\nA-1,Fine,1\nA-2,\"Widget,2\nA-3,Gadget,3\n");

        Assert.Equal(JobStatus.ValidationFailed, result.Status);
        Assert.Empty(written);
        var error = Assert.Single(result.Errors);
        Assert.Equal((RowErrorKind.Structure, 2L, 3L, "Product Name"), (error.Kind, error.RowNumber, error.LineNumber, error.Column));
        Assert.Contains("never closed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_StrayQuoteInsideValue_IsARowError()
    {
        var (result, _) = await ImportAsync("Sku,Product Name,UnitPrice\nA-1,The 12\" ruler,1\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal((RowErrorKind.Structure, 1L, 2L, "Product Name", "The 12\" ruler"), (error.Kind, error.RowNumber, error.LineNumber, error.Column, error.RawValue));
        Assert.Contains("double the inner quote", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_RowWithTooFewValues_NamesTheFirstMissingColumn()
    {
        var (result, _) = await ImportAsync("Sku,Product Name,UnitPrice\nA-1,Widget,1\n\nA-2,Gadget\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal((RowErrorKind.Structure, 2L, 4L, "UnitPrice"), (error.Kind, error.RowNumber, error.LineNumber, error.Column));
        Assert.Equal("This row has 2 values but the header has 3 columns, so 'UnitPrice' and any after it are missing. Check for a missing delimiter.", error.Message);
    }

    [Fact]
    public async Task Import_RowWithTooManyValues_QuotesTheExtraValue()
    {
        var (result, _) = await ImportAsync("Sku,Product Name,UnitPrice\nA-1,Widget, large,1\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal((1L, 2L, "column 4", "1"), (error.RowNumber, error.LineNumber, error.Column, error.RawValue));
        Assert.Contains("put such values in quotes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_BadNumber_ReportsConversionErrorWithRawValue()
    {
        var (result, _) = await ImportAsync("Sku,Product Name,UnitPrice\nA-1,Widget,12.5x\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal((RowErrorKind.Conversion, 1L, 2L, "UnitPrice", "12.5x"), (error.Kind, error.RowNumber, error.LineNumber, error.Column, error.RawValue));
        Assert.Equal("'12.5x' is not a number like 1234.5.", error.Message);
        Assert.Equal("Row 1 (line 2), column 'UnitPrice', value '12.5x': '12.5x' is not a number like 1234.5.", error.ToString());
    }

    [Fact]
    public async Task Import_BadDate_ReportsConversionError()
    {
        var (result, _) = await ImportAsync("Sku,Product Name,Released\nA-1,Widget,2024-02-30\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal((RowErrorKind.Conversion, "Released", "2024-02-30"), (error.Kind, error.Column, error.RawValue));
        Assert.Equal("'2024-02-30' is not a date like 2024-03-31.", error.Message);
    }

    [Fact]
    public async Task Import_BadEnum_ListsTheAllowedValues()
    {
        var (result, _) = await ImportAsync("Sku,Product Name,Color\nA-1,Widget,Purple\nA-2,Gadget,light blue\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal((1L, "Color", "Purple"), (error.RowNumber, error.Column, error.RawValue));
        Assert.Equal("'Purple' is not one of: Red, Green, LightBlue.", error.Message);
    }

    [Fact]
    public async Task Import_EmptyFile_FailsValidationWithAFileError()
    {
        var (result, written) = await ImportAsync(string.Empty);

        Assert.Equal(JobStatus.ValidationFailed, result.Status);
        Assert.Empty(written);
        var error = Assert.Single(result.Errors);
        Assert.Equal(RowErrorKind.File, error.Kind);
        Assert.StartsWith("The file is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_HeaderOnly_CompletesWithNoRowsAndAWarning()
    {
        var (result, written) = await ImportAsync("Sku,Product Name,UnitPrice\n");

        Assert.Equal(JobStatus.Completed, result.Status);
        Assert.Equal(0, result.Counts.Read);
        Assert.Empty(written);
        Assert.Contains("The file has a header but no data rows.", result.Warnings);
    }

    [Fact]
    public async Task Import_DuplicateHeaders_FailBeforeAnyRow()
    {
        var (result, _) = await ImportAsync("Sku,Product Name,SKU\nA-1,Widget,A-2\n");

        Assert.Equal(JobStatus.ValidationFailed, result.Status);
        Assert.Equal(0, result.Counts.Read);
        var error = Assert.Single(result.Errors);
        Assert.Equal((RowErrorKind.Header, "Sku", "SKU"), (error.Kind, error.Column, error.RawValue));
        Assert.Equal("Columns 1 ('Sku') and 3 ('SKU') both match 'Sku'. Remove or rename one of them.", error.Message);
    }

    [Fact]
    public async Task Import_MissingRequiredColumn_SuggestsTheLikelyHeader()
    {
        var (result, _) = await ImportAsync("Sku,Prodct Name,UnitPrice\nA-1,Widget,1\n");

        Assert.Equal(JobStatus.ValidationFailed, result.Status);
        Assert.Equal(0, result.Counts.Read);
        var error = Assert.Single(result.Errors);
        Assert.Equal((RowErrorKind.Header, "Product Name"), (error.Kind, error.Column));
        Assert.Equal("The file has no column 'Product Name', which is required. Did you mean 'Prodct Name'?", error.Message);
    }

    [Fact]
    public async Task Import_OneMegabyteField_IsReadWhole()
    {
        var name = new string('x', 1_000_000);
        var (result, written) = await ImportAsync($"Sku,Product Name\nA-1,\"{name}\"\nA-2,Short\n");

        Assert.Equal(JobStatus.Completed, result.Status);
        Assert.Equal(name, written[0].Name);
        Assert.Equal("Short", written[1].Name);
    }

    [Fact]
    public async Task Import_FieldOverTheLengthLimit_FailsWithItsLine()
    {
        var (result, written) = await ImportAsync($"Sku,Product Name\nA-1,ok\nA-2,{new string('x', 1_048_577)}\n");

        Assert.Equal(JobStatus.Failed, result.Status);
        Assert.Empty(written);
        var error = Assert.Single(result.Errors);
        Assert.Equal((RowErrorKind.File, 3L, 2L), (error.Kind, error.LineNumber, error.RowNumber));
        Assert.Equal("A value on line 3 is longer than the limit of 1,048,576 characters. Check for a quote that is never closed, or raise CsvSourceOptions.MaxFieldLength.", error.Message);
    }

    [Fact]
    public async Task Import_InvalidUtf8_ReportsTheCellWithBadBytes()
    {
        var bytes = Encoding.UTF8.GetBytes("Sku,Product Name\nA-1,Fine\nA-2,Caf").Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes("\n")).ToArray();
        using var host = new TestHost();
        var written = new List<Product>();

        var result = await host.Importer.For<Product>().From(CsvSource.FromStream(new MemoryStream(bytes), "latin.csv")).IntoAsync(written);

        Assert.Equal(JobStatus.ValidationFailed, result.Status);
        Assert.Empty(written);
        var error = Assert.Single(result.Errors);
        Assert.Equal((RowErrorKind.Structure, 2L, 3L, "Product Name"), (error.Kind, error.RowNumber, error.LineNumber, error.Column));
        Assert.Contains("not valid UTF-8", error.Message, StringComparison.Ordinal);
    }
}
