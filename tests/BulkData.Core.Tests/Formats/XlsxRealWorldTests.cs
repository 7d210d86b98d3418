using System.IO.Compression;
using System.Text;
using BulkData.Sources;
using DocumentFormat.OpenXml.Spreadsheet;
using static BulkData.Core.Tests.Formats.OpenXmlWorkbooks;

namespace BulkData.Core.Tests.Formats;

/// <summary>
/// Issue 10: workbooks as real tools write them (the OpenXML SDK's DOM, or XML shaped by hand the way other
/// writers shape it) read as their authors meant: headers as written, durations not dates, odd number
/// formats, out-of-range serials, missing optional parts, ISO cells, empty value cells, rows wider than the header.
/// </summary>
public sealed class XlsxRealWorldTests
{
    public sealed class Timing
    {
        public string? Name { get; set; }

        public TimeSpan? Elapsed { get; set; }

        public decimal? Amount { get; set; }

        public DateTime? When { get; set; }
    }

    private const uint HoursMinutes = 7;      // "[h]:mm"
    private const uint MinutesSeconds = 8;    // "[mm]:ss"
    private const uint BuiltIn46 = 9;         // built-in 46, [h]:mm:ss
    private const uint QuotedDay = 10;        // "\"day \"0" (a number)
    private const uint EscapedYear = 11;      // "0\\y" (a number)

    private static Stylesheet MoreFormats(Stylesheet styles)
    {
        styles.NumberingFormats!.Append(
            new NumberingFormat { NumberFormatId = 167, FormatCode = "[h]:mm" },
            new NumberingFormat { NumberFormatId = 168, FormatCode = "[mm]:ss" },
            new NumberingFormat { NumberFormatId = 169, FormatCode = "\"day \"0" },
            new NumberingFormat { NumberFormatId = 170, FormatCode = "0\\y" },
            new NumberingFormat { NumberFormatId = 164, FormatCode = "dd/mm/yyyy hh:mm" });
        styles.CellFormats!.Append(
            new CellFormat { NumberFormatId = 167, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 168, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 46, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 169, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 170, ApplyNumberFormat = true });
        return styles;
    }

    private static async Task<(ImportResult Result, List<T> Items)> ImportAsync<T>(byte[] workbook)
        where T : class
    {
        using var host = new TestHost(b => b.AddResource<T>());
        var items = new List<T>();
        var result = await host.Importer.For<T>().From(XlsxSource.FromStream(new MemoryStream(workbook))).WithOptions(o => o.CommitMode = CommitMode.Partial).IntoAsync(items);
        return (result, items);
    }

    [Fact]
    public async Task Headers_AreKeptExactlyAsWritten_AndStillMatch()
    {
        var workbook = Create(false, ("Sheet1", (data, strings) =>
        {
            data.Append(Row(1, strings.Cell("A1", "  Name "), strings.Cell("B1", "Amount\u00A0")));
            data.Append(Row(2, strings.Cell("A2", "x"), Number("B2", 2)));
        }));

        await using var reader = await XlsxSource.FromStream(new MemoryStream(workbook)).OpenAsync();
        var (result, items) = await ImportAsync<Timing>(workbook);

        Assert.Equal(["  Name ", "Amount\u00A0"], reader.Headers);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(("x", 2m), (items[0].Name, items[0].Amount!.Value));
    }

    [Fact]
    public async Task DurationFormats_AreDurationsNotDates()
    {
        var workbook = CreateWith(MoreFormats, false, ("Sheet1", (data, strings) =>
        {
            data.Append(Row(1, strings.Cell("A1", "Name"), strings.Cell("B1", "Elapsed")));
            data.Append(Row(2, strings.Cell("A2", "[h]:mm"), Number("B2", 1.5, HoursMinutes)));
            data.Append(Row(3, strings.Cell("A3", "[mm]:ss"), Number("B3", 0.75, MinutesSeconds)));
            data.Append(Row(4, strings.Cell("A4", "46"), Number("B4", 2.25, BuiltIn46)));
            data.Append(Row(5, strings.Cell("A5", "h:mm:ss over a day"), Number("B5", 1.25, TimeOnly21)));
        }));

        var (result, items) = await ImportAsync<Timing>(workbook);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal([TimeSpan.FromHours(36), TimeSpan.FromHours(18), TimeSpan.FromHours(54), TimeSpan.FromHours(30)], items.Select(i => i.Elapsed!.Value));
    }

    [Fact]
    public async Task FormatsWithDateLettersInQuotesOrEscapes_AreNumbers_AndADuplicateFormatIdDoesNotCrash()
    {
        var workbook = CreateWith(MoreFormats, false, ("Sheet1", (data, strings) =>
        {
            data.Append(Row(1, strings.Cell("A1", "Name"), strings.Cell("B1", "Amount"), strings.Cell("C1", "When")));
            data.Append(Row(2, strings.Cell("A2", "quoted"), Number("B2", 12, QuotedDay), Date("C2", new DateTime(2024, 5, 6, 7, 8, 0), CustomDate)));
            data.Append(Row(3, strings.Cell("A3", "escaped"), Number("B3", 7, EscapedYear)));
        }));

        var (result, items) = await ImportAsync<Timing>(workbook);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal([12m, 7m], items.Select(i => i.Amount!.Value));
        Assert.Equal(new DateTime(2024, 5, 6, 7, 8, 0), items[0].When);
    }

    [Fact]
    public async Task SerialOutsideExcelsDates_IsARowErrorWithTheCell()
    {
        var workbook = Create(false, ("Sheet1", (data, strings) =>
        {
            data.Append(Row(1, strings.Cell("A1", "Name"), strings.Cell("B1", "When")));
            data.Append(Row(2, strings.Cell("A2", "ok"), Date("B2", new DateTime(2024, 1, 2), ShortDate)));
            data.Append(Row(3, strings.Cell("A3", "huge"), Number("B3", 9e9, ShortDate)));
            data.Append(Row(4, strings.Cell("A4", "negative"), Number("B4", -5, ShortDate)));
        }));

        var (result, items) = await ImportAsync<Timing>(workbook);

        Assert.Equal(["ok"], items.Select(i => i.Name));
        Assert.Equal([(3L, "When"), (4L, "When")], result.Errors.Select(e => (e.LineNumber!.Value, e.Column!)));
        Assert.All(result.Errors, e => Assert.Contains("outside the dates Excel", e.Message, StringComparison.Ordinal));
        Assert.Contains("B3", result.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkbookWithoutStylesOrSharedStrings_IsRead()
    {
        var workbook = HandMade(
            """<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c><c r="B1" t="inlineStr"><is><t>Amount</t></is></c></row>"""
            + """<row r="2"><c r="A2" t="inlineStr"><is><r><t>ri</t></r><r><t>ch</t></r></is></c><c r="B2"><v>1.25</v></c></row></sheetData>""");

        var (result, items) = await ImportAsync<Timing>(workbook);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(("rich", 1.25m), (items[0].Name, items[0].Amount!.Value));
    }

    [Fact]
    public async Task IsoDateCellsAndIsoDurations_AreKeptExact()
    {
        var workbook = HandMade(
            """<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>When</t></is></c><c r="B1" t="inlineStr"><is><t>Elapsed</t></is></c></row>"""
            + """<row r="2"><c r="A2" t="d"><v>2024-03-01T10:11:12.123</v></c><c r="B2" t="d"><v>PT0H11M</v></c></row></sheetData>""");

        var (result, items) = await ImportAsync<Timing>(workbook);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal((new DateTime(2024, 3, 1, 10, 11, 12, 123), TimeSpan.FromMinutes(11)), (items[0].When!.Value, items[0].Elapsed!.Value));
    }

    [Fact]
    public async Task CellsWithATypeButNoValue_AreEmpty()
    {
        var workbook = HandMade(
            """<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c><c r="B1" t="inlineStr"><is><t>Amount</t></is></c></row>"""
            + """<row r="2"><c r="A2" t="s"></c><c r="B2" t="n"><v>3</v></c></row><row r="3"><c r="A3" t="str"><v>kept</v></c><c r="B3" t="n"></c><c r="C3"><v></v></c></row></sheetData>""");

        var (result, items) = await ImportAsync<Timing>(workbook);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal([(null, 3m), ("kept", null)], items.Select(i => (i.Name, i.Amount)));
    }

    [Fact]
    public async Task RowWiderThanTheHeader_IsImportedWithAWarningNamingTheCells()
    {
        var workbook = Create(false, ("Sheet1", (data, strings) =>
        {
            data.Append(Row(1, strings.Cell("A1", "Name"), strings.Cell("B1", "Amount")));
            data.Append(Row(2, strings.Cell("A2", "wide"), Number("B2", 1), strings.Cell("D2", "stray"), Number("E2", 5)));
        }));

        var (result, items) = await ImportAsync<Timing>(workbook);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal("wide", Assert.Single(items).Name);
        Assert.Contains(result.Warnings, w => w.Contains("D2", StringComparison.Ordinal) && w.Contains("E2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadCellsAsync_ValuesThatDoNotReadAsTheirType_AreGivenAsText()
    {
        var workbook = HandMade("""<sheetData><row r="1"><c r="A1"><v>abc</v></c><c r="B1" t="d"><v>not a date</v></c><c r="C1"><v>2.5</v></c></row></sheetData>""");

        var rows = await XlsxSource.FromStream(new MemoryStream(workbook)).ReadCellsAsync().ToListAsync();

        Assert.Equal(
            [new SpreadsheetCell("A1", CellKind.Text, "abc"), new SpreadsheetCell("B1", CellKind.Text, "not a date"), new SpreadsheetCell("C1", CellKind.Number, 2.5)],
            Assert.Single(rows).Cells);
    }

    /// <summary>Issue 25: some generators write a row's cells in several <c>row</c> elements of the same number; they are one row, a later cell for the same reference winning.</summary>
    [Fact]
    public async Task RowsWrittenInSeveralElementsOfOneNumber_AreOneRow()
    {
        static string Cell(string reference, string text) => $"""<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>""";
        var workbook = HandMade(
            $"""<sheetData><row r="1">{Cell("A1", "Name")}</row><row r="1">{Cell("B1", "Amount")}</row><row r="2">{Cell("A2", "first")}</row><row r="2"><c r="B2"><v>1.5</v></c></row><row r="2"><c r="B2"><v>2.5</v></c></row><row r="3">{Cell("A3", "second")}<c r="B3"><v>4</v></c></row></sheetData>""");

        var rows = await XlsxSource.FromStream(new MemoryStream(workbook)).ReadCellsAsync().ToListAsync();
        var (result, items) = await ImportAsync<Timing>(workbook);

        Assert.Equal([(1L, 2), (2L, 2), (3L, 2)], rows.Select(r => (r.RowNumber, r.Cells.Count)));
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal([("first", 2.5m), ("second", 4m)], items.Select(i => (i.Name!, i.Amount!.Value)));
    }

    /// <summary>
    /// Issue 25: a hand-made report has a title and a blank row above its header. With <see cref="XlsxSourceOptions.FindHeaderRow"/>
    /// the import takes the row among the first 20 that best matches the resource's columns, says which, and skips the rows above it.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(12)]
    public async Task TheHeaderRow_IsFound_BelowATitle(int headerRow)
    {
        static string Text(string reference, string text) => $"""<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>""";
        var above = string.Concat(Enumerable.Range(1, headerRow - 1).Select(r => r == 1 ? $"""<row r="1">{Text("A1", "Monthly timings, March")}</row>""" : r % 2 == 0 ? string.Empty : $"""<row r="{r}">{Text($"A{r}", $"note {r}")}{Text($"B{r}", "amounts in EUR")}</row>"""));
        var workbook = HandMade(
            $"""<sheetData>{above}<row r="{headerRow}">{Text($"A{headerRow}", "Name")}{Text($"B{headerRow}", "Amount")}</row><row r="{headerRow + 1}">{Text($"A{headerRow + 1}", "first")}<c r="B{headerRow + 1}"><v>2.5</v></c></row></sheetData>""");
        using var host = new TestHost(b => b.AddResource<Timing>());
        var items = new List<Timing>();

        var result = await host.Importer.For<Timing>().From(XlsxSource.FromStream(new MemoryStream(workbook), options: new XlsxSourceOptions { HeaderRow = XlsxSourceOptions.FindHeaderRow })).IntoAsync(items);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal([("first", 2.5m)], items.Select(i => (i.Name!, i.Amount!.Value)));
        Assert.Equal(headerRow.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Job.Parameters["headerRow"]);
        Assert.Equal(headerRow > 1, result.Warnings.Any(w => w.StartsWith($"The header was found on row {headerRow}", StringComparison.Ordinal)));
    }

    /// <summary>Issue 25: the header is found at any row from 1 to 20, whatever text the rows above it hold.</summary>
    [FsCheck.Xunit.Property(MaxTest = 60, Replay = Properties.Replay)]
    public bool TheHeaderRow_IsFound_WhateverIsAboveIt(FsCheck.PositiveInt row, string[] titles)
    {
        var headerRow = (row.Get % 20) + 1;
        titles = (titles ?? []).Where(t => t is not null && !string.IsNullOrWhiteSpace(t) && t.All(c => !char.IsControl(c) && !char.IsSurrogate(c))).ToArray();
        static string Text(string reference, string text) => $"""<c r="{reference}" t="inlineStr"><is><t>{System.Security.SecurityElement.Escape(text)}</t></is></c>""";
        var above = string.Concat(Enumerable.Range(1, headerRow - 1).Select(r => titles.Length == 0 ? string.Empty : $"""<row r="{r}">{Text($"A{r}", titles[r % titles.Length])}</row>"""));
        var workbook = HandMade(
            $"""<sheetData>{above}<row r="{headerRow}">{Text($"A{headerRow}", "Name")}{Text($"B{headerRow}", "Amount")}{Text($"C{headerRow}", "When")}</row><row r="{headerRow + 1}">{Text($"A{headerRow + 1}", "first")}<c r="B{headerRow + 1}"><v>2.5</v></c></row></sheetData>""");
        using var host = new TestHost(b => b.AddResource<Timing>());
        var items = new List<Timing>();

        var result = host.Importer.For<Timing>().From(XlsxSource.FromStream(new MemoryStream(workbook), options: new XlsxSourceOptions { HeaderRow = XlsxSourceOptions.FindHeaderRow })).IntoAsync(items).GetAwaiter().GetResult();

        return result.Succeeded && items.Single() is { Name: "first", Amount: 2.5m } && result.Job.Parameters["headerRow"] == headerRow.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public static TheoryData<string> PackageQuirks => ["absolute-target", "mixed-case", "backslashes", "strict", "part-case"];

    [Theory]
    [MemberData(nameof(PackageQuirks))]
    public async Task PackagesShapedByOtherTools_AreRead(string quirk)
    {
        var workbook = HandMade(
            """<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>ok</t></is></c></row></sheetData>""",
            quirk);

        var (result, items) = await ImportAsync<Timing>(workbook);

        Assert.True(result.Succeeded, $"{quirk}: {result.FailureReason} {string.Join("\n", result.Errors)}");
        Assert.Equal("ok", Assert.Single(items).Name);
    }

    /// <summary>
    /// Issue 25, the corpus test's reference reader on the new cases: packages shaped by other tools (part names in
    /// another case, backslashes, absolute targets, Strict) and a row written in several elements of one number come
    /// back cell for cell as ExcelDataReader reads them (Strict workbooks, which it does not read, aside).
    /// </summary>
    [Theory]
    [MemberData(nameof(PackageQuirks))]
    public async Task QuirkyPackages_ReadAsExcelDataReaderReadsThem(string quirk)
    {
        static string Text(string reference, string text) => $"""<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>""";
        var workbook = HandMade(
            $"""<sheetData><row r="1">{Text("A1", "Name")}</row><row r="1">{Text("B1", "Amount")}</row><row r="2">{Text("A2", "first")}</row><row r="2">{Text("B2", "2.5")}</row><row r="3">{Text("A3", "second")}{Text("B3", "4")}</row></sheetData>""",
            quirk);

        var ours = new List<string?[]>();
        await foreach (var row in XlsxSource.FromStream(new MemoryStream(workbook)).ReadCellsAsync())
        {
            ours.Add([.. Enumerable.Range(0, 2).Select(c => row.Cells.FirstOrDefault(cell => cell.Reference == $"{(char)('A' + c)}{row.RowNumber}").Value?.ToString())]);
        }

        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        var theirs = new List<string?[]>();
        using (var reader = ExcelDataReader.ExcelReaderFactory.CreateReader(new MemoryStream(workbook)))
        {
            while (reader.Read())
            {
                theirs.Add([.. Enumerable.Range(0, 2).Select(c => c < reader.FieldCount ? reader.GetValue(c)?.ToString() : null)]);
            }
        }

        Assert.Equal([["Name", "Amount"], ["first", "2.5"], ["second", "4"]], ours);

        // A known difference: ExcelDataReader 3.6 does not know Strict OOXML's namespaces and reads no row of such a workbook.
        Assert.Equal(quirk == "strict" ? [] : ours, theirs);
    }

    /// <summary>
    /// A minimal package written by hand: workbook, one sheet, no styles and no shared strings part; a quirk
    /// shapes it as other tools do (absolute relationship targets, mixed-case or backslashed entry names, Strict OOXML,
    /// entry names whose case differs from the relationships and content types naming them).
    /// </summary>
    private static byte[] HandMade(string sheetData, string quirk = "")
    {
        var main = quirk == "strict" ? "http://purl.oclc.org/ooxml/spreadsheetml/main" : "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        var relationships = quirk == "strict" ? "http://purl.oclc.org/ooxml/officeDocument/relationships" : "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        var sheetEntry = quirk switch { "mixed-case" => "xl/Worksheets/Sheet1.xml", "backslashes" => "xl\\worksheets\\sheet1.xml", _ => "xl/worksheets/sheet1.xml" };
        var sheetTarget = quirk == "absolute-target" ? "/xl/worksheets/sheet1.xml" : "worksheets/sheet1.xml";
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Part(string name, string xml)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
                writer.Write(xml);
            }

            Part("[Content_Types].xml", $"""<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/{sheetEntry.Replace('\\', '/')}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>{(quirk == "part-case" ? """<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>""" : "")}</Types>""");
            Part("_rels/.rels", $"""<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{relationships}/officeDocument" Target="xl/workbook.xml"/></Relationships>""");
            var partCase = quirk == "part-case";
            Part(partCase ? "xl/WorkBook.xml" : "xl/workbook.xml", $"""<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{relationships}"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>""");
            var styles = partCase ? $"""<Relationship Id="rId2" Type="{relationships}/styles" Target="styles.xml"/>""" : string.Empty;
            Part("xl/_rels/workbook.xml.rels", $"""<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{relationships}/worksheet" Target="{sheetTarget}"/>{styles}</Relationships>""");
            if (partCase)
            {
                Part("xl/STYLES.XML", $"""<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{main}"><cellXfs count="1"><xf numFmtId="0"/></cellXfs></styleSheet>""");
            }

            Part(sheetEntry, $"""<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}">{sheetData}</worksheet>""");
        }

        return stream.ToArray();
    }
}
