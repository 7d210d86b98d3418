using System.Text;
using ExcelDataReader;
using static BulkData.Core.Tests.Formats.OpenXmlWorkbooks;

namespace BulkData.Core.Tests.Formats;

/// <summary>
/// Workbooks written by the OpenXML SDK DOM, read by BulkData, give the same typed values as
/// ExcelDataReader (an independent reader) gives for the same file.
/// </summary>
public sealed class XlsxFidelityTests
{
    static XlsxFidelityTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public sealed class Fidelity
    {
        public string? Name { get; set; }

        public double? Amount { get; set; }

        public DateTime? When { get; set; }

        public bool? Flag { get; set; }
    }

    private static byte[] Workbook(bool date1904 = false) => Create(
        date1904,
        ("Notes", (data, shared) => data.Append(Row(1, shared.Cell("A1", "not this sheet")))),
        ("Data", (data, shared) =>
        {
            data.Append(
                Row(1, shared.Cell("A1", "Name"), shared.Cell("B1", "Amount"), Inline("C1", "When"), shared.Cell("D1", "Flag")),
                Row(2, shared.Cell("A2", "shared"), Number("B2", 1234.5), Date("C2", new DateTime(2024, 3, 31), ShortDate, date1904), Bool("D2", true)),
                Row(3, Inline("a3", " inline, with spaces "), Number("b3", -0.1), Date("c3", new DateTime(2023, 12, 31, 23, 59, 58, 123), DateTime22, date1904), Bool("d3", false)),
                Row(4, shared.Rich("A4", "rich ", "text"), Number("B4", 42, CustomNumber), Date("C4", new DateTime(1955, 1, 15, 6, 30, 0), CustomDate, date1904)),
                Row(5, Number(null, 7), Number(null, 1e-7, Bracketed), Date("C5", new DateTime(2000, 2, 29, 12, 0, 0), CustomDate, date1904)),
                Row(6, Date("C6", new DateTime(2030, 1, 2), ShortDate, date1904)),
                Row(8, shared.Cell("A8", "after a missing row"), Blank("B8", ShortDate), Date("C8", new DateTime(1900, 3, 1), ShortDate, date1904), Bool("D8", true)),
                Row(9, Blank("A9", ShortDate), Blank("B9", General)),
                Row(10),
                Row(11, Blank("C11", CustomDate)));
        }));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Import_SameTypedValuesAsExcelDataReader(bool date1904)
    {
        var bytes = Workbook(date1904);
        var expected = ReadWithExcelDataReader(bytes, "Data");
        using var host = new TestHost();
        var imported = new List<Fidelity>();

        var result = await host.Importer.For<Fidelity>().From(XlsxSource.FromStream(new MemoryStream(bytes), "fidelity.xlsx", new XlsxSourceOptions { SheetName = "data" })).IntoAsync(imported);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(expected.Count, imported.Count);
        Assert.Equal(6, imported.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], (imported[i].Name, imported[i].Amount, imported[i].When, imported[i].Flag));
        }

        Assert.Equal([2L, 3L, 4L, 5L, 6L, 8L], result.Rows.Select(r => r.LineNumber));
        Assert.Equal("rich text", imported[2].Name);
        Assert.Equal(new DateTime(1955, 1, 15, 6, 30, 0), imported[2].When);
    }

    [Trait("Category", "Node")]
    [Fact]
    public async Task Import_WorkbookWrittenByExcelJs_SameTypedValuesAsExcelDataReader()
    {
        var bytes = await ExcelJsWorkbooks.WriteAsync();
        var expected = ReadWithExcelDataReader(bytes, "Data");
        using var host = new TestHost();
        var imported = new List<Fidelity>();

        var result = await host.Importer.For<Fidelity>().From(XlsxSource.FromStream(new MemoryStream(bytes), "exceljs.xlsx", new XlsxSourceOptions { SheetName = "Data" })).IntoAsync(imported);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(5, expected.Count);
        Assert.Equal(expected, imported.Select(i => (i.Name, i.Amount, i.When, i.Flag)));
        Assert.Equal(("rich text", 2d), (imported[1].Name, imported[2].Amount));
        Assert.Equal(new DateTime(2023, 12, 31, 23, 59, 58, 123), imported[1].When);

        var errors = await host.Importer.For<Fidelity>().From(XlsxSource.FromStream(new MemoryStream(bytes), options: new XlsxSourceOptions { SheetName = "Errors" })).DryRunAsync();
        Assert.Equal(("Amount", "#N/A", 2L), (Assert.Single(errors.Errors).Column, errors.Errors[0].RawValue, errors.Errors[0].LineNumber));
    }

    /// <summary>
    /// Excel's 1900 system counts a 29 February 1900 that never was (serial 60): serials before it are
    /// one day later than OLE dates. ExcelDataReader reads them as OLE dates, so it is not the oracle here.
    /// </summary>
    [Fact]
    public async Task Import_1900LeapYearBug_DatesBeforeMarch1900AreExcels()
    {
        var bytes = Create(false, ("Sheet1", (data, shared) => data.Append(
            Row(1, shared.Cell("A1", "When")),
            Row(2, Number("A2", 1, ShortDate)),
            Row(3, Number("A3", 59, ShortDate)),
            Row(4, Number("A4", 61, ShortDate)),
            Row(5, Number("A5", 45382.75, DateTime22)),
            Row(6, Number("A6", 0.5, TimeOnly21)))));
        using var host = new TestHost();
        var imported = new List<Fidelity>();

        await host.Importer.For<Fidelity>().From(XlsxSource.FromStream(new MemoryStream(bytes))).IntoAsync(imported);

        Assert.Equal(
            [new DateTime(1900, 1, 1), new DateTime(1900, 2, 28), new DateTime(1900, 3, 1), new DateTime(2024, 3, 31, 18, 0, 0), new DateTime(1, 1, 1, 12, 0, 0)],
            imported.Select(i => i.When!.Value));
    }

    [Fact]
    public async Task Import_SheetByIndexAndHeaderRowOffset()
    {
        var bytes = Create(false, ("First", (data, shared) => data.Append(
            Row(1, shared.Cell("A1", "Report title")),
            Row(3, shared.Cell("A3", "Name"), shared.Cell("B3", "Amount")),
            Row(4, shared.Cell("A4", "x"), Number("B4", 2)))));
        using var host = new TestHost();
        var imported = new List<Fidelity>();

        await host.Importer.For<Fidelity>().From(XlsxSource.FromStream(new MemoryStream(bytes), options: new XlsxSourceOptions { SheetIndex = 0, HeaderRow = 3 })).IntoAsync(imported);

        Assert.Equal(("x", 2.0), (imported.Single().Name, imported.Single().Amount));
    }

    [Fact]
    public async Task Import_ErrorCell_IsARowErrorWithItsLocation()
    {
        var bytes = Create(false, ("Sheet1", (data, shared) => data.Append(
            Row(1, shared.Cell("A1", "Name"), shared.Cell("B1", "Amount")),
            Row(2, shared.Cell("A2", "ok"), Number("B2", 1)),
            Row(3, shared.Cell("A3", "bad"), Error("B3", "#N/A")))));
        using var host = new TestHost();

        var result = await host.Importer.For<Fidelity>().From(XlsxSource.FromStream(new MemoryStream(bytes))).DryRunAsync();

        var error = Assert.Single(result.Errors);
        Assert.Equal((2L, 3L, "Amount", "#N/A"), (error.RowNumber, error.LineNumber, error.Column, error.RawValue));
        Assert.Equal("Cell B3: The cell holds the Excel error #N/A. Fix the formula or type the value in.", error.Message);
    }

    [Theory]
    [InlineData("yyyy-mm-dd", true)]
    [InlineData("dd/mm/yyyy hh:mm", true)]
    [InlineData("mmm", true)]
    [InlineData("h:mm AM/PM", false)]
    [InlineData("[h]:mm:ss", false)]
    [InlineData("#,##0.00 \"days\"", false)]
    [InlineData("[Red]0.00", false)]
    [InlineData("0.00\\d", false)]
    [InlineData("General", false)]
    public void DateKindOf_RecognisesDatesOutsideQuotesBracketsAndEscapes(string formatCode, bool isDate) =>
        Assert.Equal(isDate, XlsxSource.DateKindOf(formatCode) == XlsxSource.DateKind.Date);

    /// <summary>Rows below the header as ExcelDataReader types them, empty rows left out.</summary>
    private static List<(string?, double?, DateTime?, bool?)> ReadWithExcelDataReader(byte[] bytes, string sheet)
    {
        using var reader = ExcelReaderFactory.CreateReader(new MemoryStream(bytes));
        while (reader.Name != sheet)
        {
            Assert.True(reader.NextResult(), $"ExcelDataReader found no sheet {sheet}");
        }

        var rows = new List<(string?, double?, DateTime?, bool?)>();
        reader.Read();
        while (reader.Read())
        {
            object? Cell(int i) => i < reader.FieldCount ? reader.GetValue(i) : null;
            if (Enumerable.Range(0, 4).All(i => Cell(i) is null))
            {
                continue;
            }

            rows.Add((Cell(0) switch { null => null, double d => d.ToString(System.Globalization.CultureInfo.InvariantCulture), var v => v.ToString() }, Cell(1) as double?, Cell(2) as DateTime?, Cell(3) as bool?));
        }

        return rows;
    }
}
