using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;
using BulkData.Formats;
using BulkData.Mapping;
using BulkData.Sinks;

namespace BulkData;

/// <summary>
/// Writes an XLSX workbook with one worksheet, streaming: typed number, boolean and date cells (dates with a
/// date style), a bold, frozen header row and an auto filter.
/// </summary>
/// <remarks>
/// Written with <see cref="ZipArchive"/> and <see cref="XmlWriter"/> rather than the OpenXML SDK's
/// <c>SpreadsheetDocument</c>: on .NET the SDK's System.IO.Packaging opens a new package in update mode,
/// which holds every part in memory until the package is closed, so memory would grow with the row count.
/// The parts written here are the minimal set the SpreadsheetML specification requires.
/// </remarks>
public sealed class XlsxSink : IExportSink
{
    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string Relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    private const int DateTimeStyle = 1;
    private const int DateStyle = 2;
    private const int TimeStyle = 3;
    private const int QuotedTextStyle = 4;
    private const int HeaderStyle = 5;
    private const double MaxExactInteger = 9_007_199_254_740_992d;

    private static readonly XmlWriterSettings XmlSettings = new()
    {
        Encoding = new UTF8Encoding(false),
        NewLineHandling = NewLineHandling.Entitize,
        Async = true,
    };

    private readonly Stream stream;
    private readonly DrainedWriteStream zipOutput;
    private readonly bool ownsStream;
    private readonly XlsxSinkOptions options;
    private readonly Dictionary<string, int> sharedIndex = new(StringComparer.Ordinal);
    private readonly List<string> sharedTexts = [];
    private readonly char[] numberBuffer = new char[64];
    private ZipArchive? archive;
    private Stream? sheetStream;
    private XmlWriter? sheet;
    private string[] columnLetters = [];
    private string rowText = "1";
    private long row;
    private int column;
    private bool rowOpen;

    private XlsxSink(Stream stream, bool ownsStream, XlsxSinkOptions? options)
    {
        this.stream = stream;
        zipOutput = new DrainedWriteStream(stream);
        this.ownsStream = ownsStream;
        this.options = options ?? new XlsxSinkOptions();
    }

    /// <inheritdoc/>
    public string Format => "xlsx";

    /// <summary>Writes to a stream the caller owns; it is flushed, not closed.</summary>
    /// <param name="stream">The output.</param>
    /// <param name="options">Sheet options; null for the defaults.</param>
    /// <returns>The sink.</returns>
    public static XlsxSink ToStream(Stream stream, XlsxSinkOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new XlsxSink(stream, ownsStream: false, options);
    }

    /// <summary>Writes to a file, replacing it.</summary>
    /// <param name="path">The file's path.</param>
    /// <param name="options">Sheet options; null for the defaults.</param>
    /// <returns>The sink.</returns>
    public static XlsxSink ToFile(string path, XlsxSinkOptions? options = null)
    {
        return new XlsxSink(SinkStreams.File(path), ownsStream: true, options);
    }

    /// <inheritdoc/>
    public async ValueTask BeginAsync(IReadOnlyList<string> headers, CancellationToken cancellationToken = default)
    {
        archive = new ZipArchive(zipOutput, ZipArchiveMode.Create, leaveOpen: true);
        await WritePartAsync("[Content_Types].xml", ContentTypes(), cancellationToken).ConfigureAwait(false);
        await WritePartAsync("_rels/.rels", $"""<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{Relationships}/officeDocument" Target="xl/workbook.xml"/></Relationships>""", cancellationToken).ConfigureAwait(false);
        await WritePartAsync("xl/_rels/workbook.xml.rels", WorkbookRelationships(), cancellationToken).ConfigureAwait(false);
        await WritePartAsync("xl/styles.xml", Styles, cancellationToken).ConfigureAwait(false);

        columnLetters = Enumerable.Range(0, Math.Max(headers.Count, 1)).Select(SpreadsheetValues.ColumnName).ToArray();
        sheetStream = archive.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.Fastest).Open();
        sheet = XmlWriter.Create(sheetStream, XmlSettings);
        sheet.WriteStartDocument(true);
        sheet.WriteStartElement("worksheet", Main);
        sheet.WriteAttributeString("xmlns", "r", null, Relationships);
        if (options.FreezeHeader)
        {
            sheet.WriteRaw("""<sheetViews><sheetView workbookViewId="0" tabSelected="1"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>""");
        }

        sheet.WriteStartElement("sheetData", Main);
        foreach (var header in headers)
        {
            WriteText(header, HeaderStyle);
        }

        await EndRowAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void WriteCell<TValue>(TValue value, ValueConverter<TValue> converter, ValueFormat format)
    {
        switch (value)
        {
            case bool flag:
                WriteRawValue(flag ? "1" : "0", "b", 0);
                break;
            case int number:
                WriteNumber(number);
                break;
            case short number:
                WriteNumber(number);
                break;
            case byte number:
                WriteNumber(number);
                break;
            case sbyte number:
                WriteNumber(number);
                break;
            case ushort number:
                WriteNumber(number);
                break;
            case uint number:
                WriteNumber(number);
                break;
            case long number when Math.Abs((double)number) <= MaxExactInteger:
                WriteNumber(number);
                break;
            case ulong number when number <= MaxExactInteger:
                WriteNumber(number);
                break;
            case double number when double.IsFinite(number):
                WriteNumber(number);
                break;
            case float number when float.IsFinite(number):
                WriteNumber(number);
                break;

            // Excel holds numbers as doubles: a decimal that a double cannot carry exactly is kept as text.
            case decimal number when FitsDouble(number):
                WriteNumber(number);
                break;
            case DateTime date when date >= SpreadsheetValues.MinDate:
                WriteNumber(SpreadsheetValues.ToSerial(date), DateTimeStyle);
                break;
            case DateOnly date when date.ToDateTime(TimeOnly.MinValue) >= SpreadsheetValues.MinDate:
                WriteNumber(SpreadsheetValues.ToSerial(date.ToDateTime(TimeOnly.MinValue)), DateStyle);
                break;
            case TimeOnly time:
                WriteNumber(time.ToTimeSpan().TotalDays, TimeStyle);
                break;
            default:
                var text = converter.Format(value, format) ?? string.Empty;
                var textual = typeof(TValue) == typeof(string) || typeof(TValue) == typeof(char);
                WriteText(text, textual && options.NeutralizeFormulas && FormulaGuard.IsDangerous(text) ? QuotedTextStyle : 0);
                break;
        }
    }

    /// <inheritdoc/>
    public void WriteEmptyCell()
    {
        StartRow();
        column++;
    }

    /// <inheritdoc/>
    public async ValueTask EndRowAsync(CancellationToken cancellationToken = default)
    {
        StartRow();
        sheet!.WriteEndElement();
        rowOpen = false;
        column = 0;
        if (row % 1_000 == 0)
        {
            await sheet.FlushAsync().ConfigureAwait(false);
            await zipOutput.DrainAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        var range = $"A1:{columnLetters[^1]}{Math.Max(row, 1)}";
        sheet!.WriteEndElement();
        if (options.AutoFilter)
        {
            sheet.WriteStartElement("autoFilter", Main);
            sheet.WriteAttributeString("ref", range);
            sheet.WriteEndElement();
        }

        sheet.WriteEndElement();
        await sheet.FlushAsync().ConfigureAwait(false);
        sheet.Dispose();
        await sheetStream!.DisposeAsync().ConfigureAwait(false);
        sheet = null;

        await WritePartAsync("xl/workbook.xml", Workbook(), cancellationToken).ConfigureAwait(false);
        if (options.SharedStrings)
        {
            await WriteSharedStringsAsync(cancellationToken).ConfigureAwait(false);
        }

        archive!.Dispose();
        archive = null;
        await zipOutput.DrainAsync(cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        sheet?.Dispose();
        if (sheetStream is not null)
        {
            await sheetStream.DisposeAsync().ConfigureAwait(false);
        }

        archive?.Dispose();
        await zipOutput.DisposeAsync().ConfigureAwait(false);
        if (ownsStream)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static bool FitsDouble(decimal number)
    {
        var real = (double)number;
        return Math.Abs(real) < 1e28 && (decimal)real == number;
    }

    private void StartRow()
    {
        if (rowOpen)
        {
            return;
        }

        row++;
        rowText = row.ToString(CultureInfo.InvariantCulture);
        sheet!.WriteStartElement("row", Main);
        sheet.WriteAttributeString("r", rowText);
        rowOpen = true;
    }

    private void StartCell(string? type, int style)
    {
        StartRow();
        sheet!.WriteStartElement("c", Main);
        sheet.WriteStartAttribute("r");
        sheet.WriteString(columnLetters[Math.Min(column, columnLetters.Length - 1)]);
        sheet.WriteString(rowText);
        sheet.WriteEndAttribute();
        if (style != 0)
        {
            sheet.WriteAttributeString("s", style.ToString(CultureInfo.InvariantCulture));
        }

        if (type is not null)
        {
            sheet.WriteAttributeString("t", type);
        }

        column++;
    }

    private void WriteNumber<TNumber>(TNumber number, int style = 0)
        where TNumber : ISpanFormattable
    {
        StartCell(null, style);
        sheet!.WriteStartElement("v", Main);
        if (number.TryFormat(numberBuffer, out var written, typeof(TNumber) == typeof(float) ? "R" : default, CultureInfo.InvariantCulture))
        {
            sheet.WriteChars(numberBuffer, 0, written);
        }
        else
        {
            sheet.WriteString(number.ToString(null, CultureInfo.InvariantCulture));
        }

        sheet.WriteEndElement();
        sheet.WriteEndElement();
    }

    private void WriteRawValue(string value, string type, int style)
    {
        StartCell(type, style);
        sheet!.WriteElementString("v", Main, value);
        sheet.WriteEndElement();
    }

    private void WriteText(string text, int style)
    {
        var escaped = SpreadsheetValues.Escape(text);
        if (options.SharedStrings)
        {
            if (!sharedIndex.TryGetValue(escaped, out var index))
            {
                index = sharedTexts.Count;
                sharedIndex.Add(escaped, index);
                sharedTexts.Add(escaped);
            }

            WriteRawValue(index.ToString(CultureInfo.InvariantCulture), "s", style);
            return;
        }

        StartCell("inlineStr", style);
        sheet!.WriteStartElement("is", Main);
        WriteTextElement(sheet, escaped);
        sheet.WriteEndElement();
        sheet.WriteEndElement();
    }

    private static void WriteTextElement(XmlWriter writer, string escaped)
    {
        writer.WriteStartElement("t", Main);
        if (escaped.Length > 0 && (char.IsWhiteSpace(escaped[0]) || char.IsWhiteSpace(escaped[^1])))
        {
            writer.WriteAttributeString("xml", "space", null, "preserve");
        }

        writer.WriteString(escaped);
        writer.WriteEndElement();
    }

    private async Task WriteSharedStringsAsync(CancellationToken cancellationToken)
    {
        await using var part = archive!.CreateEntry("xl/sharedStrings.xml", CompressionLevel.Fastest).Open();
        await using var writer = XmlWriter.Create(part, XmlSettings);
        writer.WriteStartDocument(true);
        writer.WriteStartElement("sst", Main);
        writer.WriteAttributeString("uniqueCount", sharedTexts.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var text in sharedTexts)
        {
            writer.WriteStartElement("si", Main);
            WriteTextElement(writer, text);
            writer.WriteEndElement();
            cancellationToken.ThrowIfCancellationRequested();
        }

        writer.WriteEndElement();
        await writer.FlushAsync().ConfigureAwait(false);
    }

    private async Task WritePartAsync(string name, string xml, CancellationToken cancellationToken)
    {
        await using var part = archive!.CreateEntry(name, CompressionLevel.Fastest).Open();
        await part.WriteAsync(Encoding.UTF8.GetBytes("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>""" + "\n" + xml), cancellationToken).ConfigureAwait(false);
    }

    private string ContentTypes() =>
        """<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>"""
        + """<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"""
        + """<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"""
        + """<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"""
        + (options.SharedStrings ? """<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>""" : string.Empty)
        + "</Types>";

    private string WorkbookRelationships() =>
        """<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"""
        + $"""<Relationship Id="rId1" Type="{Relationships}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{Relationships}/styles" Target="styles.xml"/>"""
        + (options.SharedStrings ? $"""<Relationship Id="rId3" Type="{Relationships}/sharedStrings" Target="sharedStrings.xml"/>""" : string.Empty)
        + "</Relationships>";

    private string Workbook()
    {
        var name = System.Security.SecurityElement.Escape(options.SheetName);
        var filter = options.AutoFilter
            ? $"""<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'{name.Replace("'", "''", StringComparison.Ordinal)}'!$A$1:${columnLetters[^1]}${Math.Max(row, 1)}</definedName></definedNames>"""
            : string.Empty;
        return $"""<workbook xmlns="{Main}" xmlns:r="{Relationships}"><sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>{filter}</workbook>""";
    }

    private const string Styles =
        """<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"""
        + """<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd"/><numFmt numFmtId="166" formatCode="hh:mm:ss"/></numFmts>"""
        + """<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>"""
        + """<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>"""
        + """<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"""
        + """<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"""
        + """<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"""
        + """<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"""
        + """<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"""
        + """<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"""
        + """<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>"""
        + """<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>"""
        + """<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>""";
}
