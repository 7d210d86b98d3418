using BulkData.Core.Tests.Formats;

namespace BulkData.Xls.Tests;

/// <summary>
/// Issue 25: workbooks encrypted by a real tool (officecrypto-tool, as Excel encrypts them). Excel saves a workbook
/// with structure protection or "read-only recommended" encrypted with its default password and opens it without
/// asking; so does <see cref="XlsSource"/>. Another password is asked for, and read when given.
/// </summary>
[Trait("Category", "Node")]
public sealed class EncryptedWorkbookTests
{
    [Fact]
    public async Task AWorkbookEncryptedWithExcelsDefaultPassword_ReadsWithoutOne()
    {
        var workbook = await ExcelJsWorkbooks.WriteAsync("encrypted.js", "VelvetSweatshop");

        Assert.Equal(["Sku=A-1 | Product Name=secret"], await CellsAsync(XlsSource.FromStream(new MemoryStream(workbook), "protected.xlsx")));
    }

    [Fact]
    public async Task AWorkbookEncryptedWithAPassword_IsAskedFor_AndReadWithIt()
    {
        var workbook = await ExcelJsWorkbooks.WriteAsync("encrypted.js", "open sesame");

        var refused = await Assert.ThrowsAsync<ImportSourceException>(async () => await CellsAsync(XlsSource.FromStream(new MemoryStream(workbook))));
        var read = await CellsAsync(XlsSource.FromStream(new MemoryStream(workbook), options: new XlsSourceOptions { Password = "open sesame" }));

        Assert.Contains("password-protected", refused.Message, StringComparison.Ordinal);
        Assert.Equal(["Sku=A-1 | Product Name=secret"], read);
    }

    private static async Task<List<string>> CellsAsync(XlsSource source)
    {
        var rows = new List<string>();
        await using var reader = await source.OpenAsync();
        await foreach (var row in reader.ReadRowsAsync())
        {
            rows.Add(string.Join(" | ", reader.Headers.Select((h, i) => $"{h}={row.Cells[i]}")));
        }

        return rows;
    }
}
