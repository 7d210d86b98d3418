using BulkData.Resources;
using BulkData.Sources;
using DocumentFormat.OpenXml.Spreadsheet;
using static BulkData.Core.Tests.Formats.OpenXmlWorkbooks;

namespace BulkData.Core.Tests.Formats;

/// <summary>
/// Issue 10: for people who need the raw table: the sheets of a workbook with their visibility, typed cells
/// with their references, and headerless files mapped by position.
/// </summary>
public sealed class RawTableTests
{
    public sealed class Positional
    {
        [Position(0)]
        public string Sku { get; set; } = "";

        [Position(2)]
        public decimal Price { get; set; }

        public string? NotInTheFile { get; set; }
    }

    public sealed class Plain
    {
        public string? Sku { get; set; }

        public int Quantity { get; set; }
    }

    private static byte[] ThreeSheets() => Create(false,
        ("Visible", (data, strings) => data.Append(Row(1, strings.Cell("A1", "x")))),
        ("Hidden", (data, strings) => data.Append(Row(1, strings.Cell("A1", "y")))),
        ("Data", (data, strings) =>
        {
            data.Append(Row(1, strings.Cell("A1", "A-1"), strings.Cell("B1", "ignored"), Number("C1", 12.5)));
            data.Append(Row(2, strings.Cell("A2", "A-2"), Bool("B2", true), Number("C2", 0.25)));
        }));

    [Fact]
    public async Task ListSheetsAsync_GivesNamesPositionsAndVisibility()
    {
        var sheets = await XlsxSource.FromStream(new MemoryStream(Hidden(ThreeSheets()))).ListSheetsAsync();

        Assert.Equal(
            [new SheetInfo("Visible", 0, SheetVisibility.Visible), new SheetInfo("Hidden", 1, SheetVisibility.Hidden), new SheetInfo("Data", 2, SheetVisibility.Visible)],
            sheets);
    }

    [Fact]
    public async Task ReadCellsAsync_GivesTypedCellsWithTheirReferences()
    {
        var bytes = Create(false, ("Sheet1", (data, strings) =>
        {
            data.Append(Row(1, strings.Cell("A1", "text"), Number("B1", 1.5), Bool("C1", true), Date("D1", new DateTime(2024, 3, 31, 14, 30, 0), DateTime22), Number("E1", 0.5, TimeOnly21), Error("F1", "#N/A"), Blank("G1", ShortDate)));
            data.Append(Row(3, Number("B3", -2)));
        }));

        var rows = await XlsxSource.FromStream(new MemoryStream(bytes)).ReadCellsAsync().ToListAsync();

        Assert.Equal([1L, 3L], rows.Select(r => r.RowNumber));
        Assert.Equal(
            [
                new SpreadsheetCell("A1", CellKind.Text, "text"),
                new SpreadsheetCell("B1", CellKind.Number, 1.5),
                new SpreadsheetCell("C1", CellKind.Boolean, true),
                new SpreadsheetCell("D1", CellKind.Date, new DateTime(2024, 3, 31, 14, 30, 0)),
                new SpreadsheetCell("E1", CellKind.Time, new TimeOnly(12, 0)),
                new SpreadsheetCell("F1", CellKind.Error, "#N/A"),
            ],
            rows[0].Cells);
        Assert.Equal(new SpreadsheetCell("B3", CellKind.Number, -2.0), Assert.Single(rows[1].Cells));
    }

    [Fact]
    public async Task Import_HeaderlessWorkbook_MapsColumnsByPosition()
    {
        using var host = new TestHost(b => b.AddResource<Positional>());
        var items = new List<Positional>();

        var result = await host.Importer.For<Positional>()
            .From(XlsxSource.FromStream(new MemoryStream(ThreeSheets()), options: new XlsxSourceOptions { SheetName = "Data", HasHeaderRow = false }))
            .IntoAsync(items);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal([("A-1", 12.5m), ("A-2", 0.25m)], items.Select(i => (i.Sku, i.Price)));
        Assert.Contains("NotInTheFile", result.Mapping!.MissingColumns);
    }

    [Fact]
    public async Task Import_HeaderlessCsv_MapsColumnsByFluentPosition()
    {
        using var host = new TestHost(b => b.AddResource<Plain>(r => r.Column(p => p.Sku, c => c.Position(1)).Column(p => p.Quantity, c => c.Position(0))));
        var items = new List<Plain>();

        var result = await host.Importer.For<Plain>()
            .From(CsvSource.FromText("3,A-1,whatever\n4,A-2,x\n", options: new CsvSourceOptions { HasHeaderRow = false }))
            .WithOptions(o => o.CommitMode = CommitMode.Partial)
            .IntoAsync(items);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal([("A-1", 3), ("A-2", 4)], items.Select(i => (i.Sku!, i.Quantity)));
        Assert.Equal(2, result.Counts.Read);
    }

    [Fact]
    public void Position_UsedTwice_IsAConfigurationError()
    {
        var error = Assert.Throws<BulkDataConfigurationException>(() => new TestHost(b => b.AddResource<Product>(r => r.Column(p => p.Sku, c => c.Position(1)).Column(p => p.Quantity, c => c.Position(1)))));

        Assert.Contains("position 1", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Marks the second sheet hidden, as Excel's Hide Sheet does.</summary>
    private static byte[] Hidden(byte[] workbook)
    {
        using var stream = new MemoryStream();
        stream.Write(workbook);
        using (var document = DocumentFormat.OpenXml.Packaging.SpreadsheetDocument.Open(stream, true))
        {
            document.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().ElementAt(1).State = SheetStateValues.Hidden;
        }

        return stream.ToArray();
    }
}
