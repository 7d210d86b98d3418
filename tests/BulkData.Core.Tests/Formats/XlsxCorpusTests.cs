using System.Diagnostics;
using System.Globalization;
using System.Security;
using ExcelDataReader;
using MiniExcelLibs;
using SpreadCheetah;

namespace BulkData.Core.Tests.Formats;

/// <summary>
/// Issue 10's fidelity corpus: the same table written by six real writers (the OpenXML SDK, ClosedXML,
/// MiniExcel, SpreadCheetah, ExcelJS and LibreOffice), read by BulkData and by two independent readers
/// (ExcelDataReader and MiniExcel), cell by cell. Where a reader differs from BulkData for a reason, the
/// difference is named in <see cref="KnownDifferences"/> and in docs/formats.md; any other difference fails.
/// </summary>
public sealed class XlsxCorpusTests
{
    public sealed class CorpusRow
    {
        public string? Text { get; set; }

        public double? Number { get; set; }

        public DateTime? When { get; set; }

        public bool? Flag { get; set; }
    }

    private static readonly CorpusRow[] Table =
    [
        new() { Text = "plain", Number = 1234.5, When = new DateTime(2024, 3, 31, 14, 30, 0), Flag = true },
        new() { Text = "  spaced  ", Number = -0.125, When = new DateTime(2000, 2, 29), Flag = false },
        new() { Text = "ünïcødé ✓ 日本語 😀", Number = 1e-7, When = new DateTime(1955, 1, 15, 6, 30, 0), Flag = true },
        new() { Text = "'quoted' & <tagged>", Number = 0, When = null, Flag = null },
        new() { Text = "line\nbreak", Number = 42, When = new DateTime(1900, 3, 1), Flag = false },
        new() { Text = null, Number = 1e15, When = new DateTime(2099, 12, 31, 23, 59, 59), Flag = true },
    ];

    private static readonly string[] Headers = ["Text", "Number", "When", "Flag"];

    // ExcelDataReader asks for code page 1252, which .NET Core serves only through this provider.
    static XlsxCorpusTests() => System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);

    public static TheoryData<string> Writers => ["openxml", "closedxml", "miniexcel", "spreadcheetah", "exceljs", "libreoffice"];

    /// <summary>Differences between a reader and BulkData that are the other reader's, by writer and reader.</summary>
    private static readonly Dictionary<(string Writer, string Reader, string Column), string> KnownDifferences = new()
    {
        [("libreoffice", "ExcelDataReader", "Flag")] = "LibreOffice stores booleans as the numbers 1 and 0 with a TRUE/FALSE format; ExcelDataReader returns the number, BulkData the boolean the user sees.",
        [("libreoffice", "MiniExcel", "Flag")] = "LibreOffice stores booleans as the numbers 1 and 0 with a TRUE/FALSE format; MiniExcel returns the number, BulkData the boolean the user sees.",
    };

    [Trait("Category", "Node")]
    [Trait("Category", "LibreOffice")]
    [Theory]
    [MemberData(nameof(Writers))]
    public async Task Corpus_BulkDataReadsWhatTheWriterWrote_AndWhatOtherReadersRead(string writer)
    {
        var workbook = await WriteAsync(writer);
        using var host = new TestHost(b => b.AddResource<CorpusRow>());
        var imported = new List<CorpusRow>();

        var result = await host.Importer.For<CorpusRow>().From(XlsxSource.FromStream(new MemoryStream(workbook), options: new XlsxSourceOptions { SheetName = "Data" })).IntoAsync(imported);

        Assert.True(result.Succeeded, $"{writer}: {string.Join("\n", result.Errors)}");
        var ours = imported.Select(Describe).ToList();
        Assert.Equal(Table.Select(Describe), ours);
        foreach (var (reader, rows) in new[] { ("ExcelDataReader", ReadWithExcelDataReader(workbook)), ("MiniExcel", ReadWithMiniExcel(workbook)) })
        {
            Assert.Equal(ours.Count, rows.Count);
            for (var i = 0; i < rows.Count; i++)
            {
                for (var column = 0; column < Headers.Length; column++)
                {
                    var name = Headers[column];
                    if (ours[i][column] != rows[i][column] && !KnownDifferences.ContainsKey((writer, reader, name)))
                    {
                        Assert.Fail($"{writer}, row {i + 1}, {name}: BulkData read '{ours[i][column]}', {reader} '{rows[i][column]}'");
                    }
                }
            }
        }
    }

    private static string?[] Describe(CorpusRow row) =>
    [
        string.IsNullOrEmpty(row.Text) ? null : row.Text,
        row.Number?.ToString("R", CultureInfo.InvariantCulture),
        row.When?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        row.Flag?.ToString(),
    ];

    private static string? Canonical(object? value, int column) => value switch
    {
        null or DBNull => null,
        string text when text.Length == 0 => null,
        string text when column == 1 => double.Parse(text, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture),
        string text when column == 3 => bool.Parse(text).ToString(),
        string text => text,
        DateTime date => date.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        bool flag => flag.ToString(),
        IConvertible number when column == 2 => DateTime.FromOADate(number.ToDouble(CultureInfo.InvariantCulture)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        IConvertible number => number.ToDouble(CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static List<string?[]> ReadWithExcelDataReader(byte[] workbook)
    {
        using var reader = ExcelReaderFactory.CreateReader(new MemoryStream(workbook));
        while (reader.Name != "Data")
        {
            Assert.True(reader.NextResult(), "ExcelDataReader found no sheet Data");
        }

        var rows = new List<string?[]>();
        reader.Read();
        while (reader.Read())
        {
            rows.Add([.. Enumerable.Range(0, 4).Select(c => Canonical(c < reader.FieldCount ? reader.GetValue(c) : null, c))]);
        }

        return rows.Where(r => r.Any(v => v is not null)).ToList();
    }

    private static List<string?[]> ReadWithMiniExcel(byte[] workbook) =>
        MiniExcel.Query(new MemoryStream(workbook), useHeaderRow: true, sheetName: "Data")
            .Cast<IDictionary<string, object?>>()
            .Select(row => Headers.Select((name, c) => Canonical(row.TryGetValue(name, out var v) ? v : null, c)).ToArray())
            .Where(r => r.Any(v => v is not null))
            .ToList();

    private static async Task<byte[]> WriteAsync(string writer)
    {
        switch (writer)
        {
            case "openxml":
                return OpenXmlWorkbooks.Create(false, ("Data", (data, strings) =>
                {
                    data.Append(OpenXmlWorkbooks.Row(1, strings.Cell("A1", "Text"), strings.Cell("B1", "Number"), strings.Cell("C1", "When"), strings.Cell("D1", "Flag")));
                    for (var i = 0; i < Table.Length; i++)
                    {
                        var r = (uint)(i + 2);
                        var row = Table[i];
                        var cells = new List<DocumentFormat.OpenXml.Spreadsheet.Cell>();
                        if (!string.IsNullOrEmpty(row.Text))
                        {
                            cells.Add(strings.Cell($"A{r}", row.Text));
                        }

                        cells.Add(OpenXmlWorkbooks.Number($"B{r}", row.Number!.Value));
                        if (row.When is { } when)
                        {
                            cells.Add(OpenXmlWorkbooks.Date($"C{r}", when, OpenXmlWorkbooks.DateTime22));
                        }

                        if (row.Flag is { } flag)
                        {
                            cells.Add(OpenXmlWorkbooks.Bool($"D{r}", flag));
                        }

                        data.Append(OpenXmlWorkbooks.Row(r, [.. cells]));
                    }
                }));
            case "closedxml":
                // Written by ClosedXML 0.95.4 from this table (text, number, date as yyyy-mm-dd hh:mm:ss, flag, empty
                // cells left out) and committed: it cannot load beside the OpenXML SDK 3.x that BulkData uses.
                return await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Formats", "Files", "closedxml-0.95.4-corpus.xlsx"));

            case "miniexcel":
            {
                using var stream = new MemoryStream();
                var rows = Table.Select(r => new Dictionary<string, object?> { ["Text"] = string.IsNullOrEmpty(r.Text) ? null : r.Text, ["Number"] = r.Number, ["When"] = r.When, ["Flag"] = r.Flag });
                await stream.SaveAsAsync(rows, sheetName: "Data");
                return stream.ToArray();
            }

            case "spreadcheetah":
            {
                using var stream = new MemoryStream();
                await using (var spreadsheet = await Spreadsheet.CreateNewAsync(stream))
                {
                    await spreadsheet.StartWorksheetAsync("Data");
                    await spreadsheet.AddRowAsync([new DataCell("Text"), new DataCell("Number"), new DataCell("When"), new DataCell("Flag")]);
                    foreach (var row in Table)
                    {
                        await spreadsheet.AddRowAsync([new DataCell(string.IsNullOrEmpty(row.Text) ? null : row.Text), new DataCell(row.Number), new DataCell(row.When), new DataCell(row.Flag)]);
                    }

                    await spreadsheet.FinishAsync();
                }

                return stream.ToArray();
            }

            case "exceljs":
                return await ExcelJsWorkbooks.WriteAsync("corpus.js");
            default:
                return await LibreOfficeAsync();
        }
    }

    /// <summary>Writes the table as a flat OpenDocument spreadsheet and has LibreOffice convert it to .xlsx.</summary>
    private static async Task<byte[]> LibreOfficeAsync()
    {
        var folder = Directory.CreateTempSubdirectory("bulkdata-soffice-").FullName;
        try
        {
            var cells = Table.Select(r =>
                "<table:table-row>"
                + (string.IsNullOrEmpty(r.Text) ? "<table:table-cell/>" : $"<table:table-cell office:value-type=\"string\">{string.Concat(r.Text.Split('\n').Select(line => $"<text:p>{SecurityElement.Escape(line)}</text:p>"))}</table:table-cell>")
                + $"<table:table-cell office:value-type=\"float\" office:value=\"{r.Number!.Value.ToString("R", CultureInfo.InvariantCulture)}\"/>"
                + (r.When is { } when ? $"<table:table-cell table:style-name=\"stamp\" office:value-type=\"date\" office:date-value=\"{when:yyyy-MM-ddTHH:mm:ss}\"/>" : "<table:table-cell/>")
                + (r.Flag is { } flag ? $"<table:table-cell office:value-type=\"boolean\" office:boolean-value=\"{flag.ToString().ToLowerInvariant()}\"/>" : "<table:table-cell/>")
                + "</table:table-row>");
            var document = $"""
                <?xml version="1.0" encoding="UTF-8"?>
                <office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
                <office:automatic-styles>
                <number:date-style style:name="stampformat"><number:year number:style="long"/><number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/><number:text> </number:text><number:hours number:style="long"/><number:text>:</number:text><number:minutes number:style="long"/><number:text>:</number:text><number:seconds number:style="long"/></number:date-style>
                <style:style style:name="stamp" style:family="table-cell" style:data-style-name="stampformat"/>
                </office:automatic-styles>
                <office:body><office:spreadsheet><table:table table:name="Data">
                <table:table-row><table:table-cell office:value-type="string"><text:p>Text</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Number</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>When</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Flag</text:p></table:table-cell></table:table-row>
                {string.Concat(cells)}
                </table:table></office:spreadsheet></office:body></office:document>
                """;
            var input = Path.Combine(folder, "corpus.fods");
            await File.WriteAllTextAsync(input, document);
            await RunSofficeAsync(folder, input);
            return await File.ReadAllBytesAsync(Path.Combine(folder, "corpus.xlsx"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task RunSofficeAsync(string folder, string input)
    {
        Process process;
        try
        {
            process = Process.Start(new ProcessStartInfo("soffice", $"-env:UserInstallation=file://{folder}/profile --headless --convert-to xlsx --outdir \"{folder}\" \"{input}\"")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = folder,
            })!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("The LibreOffice corpus test needs LibreOffice's soffice. Install it: apt-get install libreoffice-calc-nogui (.ci/run does).", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
            Assert.True(process.ExitCode == 0, $"soffice failed: {await output} {await error}");
        }
    }
}
