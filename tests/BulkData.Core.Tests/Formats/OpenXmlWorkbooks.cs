using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace BulkData.Core.Tests.Formats;

/// <summary>
/// Writes workbooks with the OpenXML SDK's DOM (an independent writer, not BulkData's), shaped the way
/// Excel and LibreOffice shape theirs: shared, inline and rich strings, built-in and custom date formats,
/// booleans, error cells, sparse rows, cells without references, lower-case references, formatted but
/// empty cells and rows, several sheets, no dimension element.
/// </summary>
internal static class OpenXmlWorkbooks
{
    // Style indexes of the stylesheet below.
    public const uint General = 0;
    public const uint ShortDate = 1;      // built-in 14
    public const uint DateTime22 = 2;     // built-in 22
    public const uint CustomDate = 3;     // "dd/mm/yyyy hh:mm"
    public const uint CustomNumber = 4;   // "#,##0.00 \"days\"" (not a date)
    public const uint TimeOnly21 = 5;     // built-in 21, h:mm:ss
    public const uint Bracketed = 6;      // "[Red]0.00" (not a date)

    public static byte[] Create(bool date1904, params (string Name, Action<SheetData, SharedStrings> Fill)[] sheets) => CreateWith(null, date1904, sheets);

    /// <summary>Creates a workbook whose stylesheet <paramref name="adjust"/> may change (add formats, or null it out).</summary>
    public static byte[] CreateWith(Func<Stylesheet, Stylesheet?>? adjust, bool date1904, params (string Name, Action<SheetData, SharedStrings> Fill)[] sheets)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbookPart = document.AddWorkbookPart();
            workbookPart.Workbook = new Workbook(new WorkbookProperties { Date1904 = date1904 }, new Sheets());
            if ((adjust ?? (s => s))(Stylesheet()) is { } stylesheet)
            {
                workbookPart.AddNewPart<WorkbookStylesPart>().Stylesheet = stylesheet;
            }

            var sharedPart = workbookPart.AddNewPart<SharedStringTablePart>();
            var shared = new SharedStrings(new SharedStringTable());
            uint id = 1;
            foreach (var (name, fill) in sheets)
            {
                var worksheetPart = workbookPart.AddNewPart<WorksheetPart>();
                var data = new SheetData();
                fill(data, shared);
                worksheetPart.Worksheet = new Worksheet(data);
                workbookPart.Workbook.Sheets!.Append(new Sheet { Name = name, SheetId = id++, Id = workbookPart.GetIdOfPart(worksheetPart) });
            }

            sharedPart.SharedStringTable = shared.Table;
        }

        return stream.ToArray();
    }

    public static Row Row(uint? number, params Cell[] cells) => new(cells) { RowIndex = number is null ? null : new UInt32Value(number.Value) };

    public static Cell Number(string? reference, double value, uint style = General) =>
        new() { CellReference = reference, CellValue = new CellValue(value), StyleIndex = style == General ? null : style };

    public static Cell Date(string reference, DateTime value, uint style, bool date1904 = false) =>
        Number(reference, date1904 ? (value - new DateTime(1904, 1, 1)).TotalDays : value.ToOADate(), style);

    public static Cell Bool(string reference, bool value) => new() { CellReference = reference, DataType = CellValues.Boolean, CellValue = new CellValue(value ? "1" : "0") };

    public static Cell Error(string reference, string error) => new() { CellReference = reference, DataType = CellValues.Error, CellValue = new CellValue(error) };

    public static Cell Inline(string reference, string text) =>
        new(new InlineString(new Text(text) { Space = SpaceProcessingModeValues.Preserve })) { CellReference = reference, DataType = CellValues.InlineString };

    public static Cell Blank(string reference, uint style) => new() { CellReference = reference, StyleIndex = style };

    private static Stylesheet Stylesheet() => new(
        new NumberingFormats(
            new NumberingFormat { NumberFormatId = 164, FormatCode = "dd/mm/yyyy hh:mm" },
            new NumberingFormat { NumberFormatId = 165, FormatCode = "#,##0.00 \"days\"" },
            new NumberingFormat { NumberFormatId = 166, FormatCode = "[Red]0.00" }),
        new Fonts(new Font()),
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })),
        new Borders(new Border()),
        new CellStyleFormats(new CellFormat()),
        new CellFormats(
            new CellFormat { NumberFormatId = 0 },
            new CellFormat { NumberFormatId = 14, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 22, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 164, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 165, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 21, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 166, ApplyNumberFormat = true }));

    /// <summary>The workbook's shared string table, adding each text once.</summary>
    public sealed class SharedStrings(SharedStringTable table)
    {
        private readonly Dictionary<string, int> index = [];

        public SharedStringTable Table => table;

        public Cell Cell(string? reference, string text)
        {
            if (!index.TryGetValue(text, out var i))
            {
                i = index.Count;
                index[text] = i;
                table.Append(new SharedStringItem(new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
            }

            return new Cell { CellReference = reference, DataType = CellValues.SharedString, CellValue = new CellValue(i) };
        }

        /// <summary>A rich-text shared string made of runs, with a phonetic run that must not be read.</summary>
        public Cell Rich(string reference, params string[] runs)
        {
            var item = new SharedStringItem(runs.Select(r => new Run(new RunProperties(new Bold()), new Text(r) { Space = SpaceProcessingModeValues.Preserve })));
            item.Append(new PhoneticRun(new Text("ふりがな")) { BaseTextStartIndex = 0, EndingBaseIndex = 1 });
            table.Append(item);
            index[string.Concat(runs) + "\u0001rich"] = index.Count;
            return new Cell { CellReference = reference, DataType = CellValues.SharedString, CellValue = new CellValue(index.Count - 1) };
        }
    }
}
