using System.Text;

namespace BulkData.Core.Tests.Import;

/// <summary>Issue 22 item 5: repeated keys across a million rows are found with the messages a short file gives.</summary>
public sealed class DuplicateKeysAtScaleTests
{
    [Fact]
    public async Task AMillionRows_RepeatsFarApart_AreEachReportedWithTheirFirstRow()
    {
        const int Rows = 1_000_000;
        var csv = new StringBuilder("Sku,Product Name\n", Rows * 14);
        for (var row = 1; row <= Rows; row++)
        {
            // Row 500,000 repeats row 7's key, the last row repeats row 999,998's.
            var key = row switch { 500_000 => 7, Rows => Rows - 2, _ => row };
            csv.Append("K-").Append(key).Append(",n\n");
        }

        using var host = new TestHost();
        var result = await host.Importer.For<Product>().From(CsvSource.FromText(csv.ToString())).DryRunAsync();

        Assert.Equal(
            [
                (500_000L, "Sku", "The key 'K-7' was already used on row 7. Each row needs its own key: remove or merge the repeated rows."),
                (1_000_000L, "Sku", "The key 'K-999998' was already used on row 999998. Each row needs its own key: remove or merge the repeated rows."),
            ],
            result.Errors.Select(e => (e.RowNumber!.Value, e.Column, e.Message)));
        Assert.Equal(Rows - 2, result.Counts.Valid);
    }
}
