using System.Globalization;
using System.Runtime.CompilerServices;
using System.Xml;
using BulkData.Formats;
using BulkData.Sinks;
using BulkData.Sources;
using BulkData.Validation;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace BulkData;

/// <summary>
/// Reads a worksheet of an XLSX workbook, streaming. The OpenXML SDK opens the package and resolves its
/// parts; the sheet itself is read with an <see cref="XmlReader"/> over the part stream, never as a DOM,
/// so memory does not grow with the sheet. Shared, inline and rich-text strings, booleans, numbers as
/// Excel stores them and dates (by the cell's number format, 1900 and 1904 systems) are read; an error
/// cell such as <c>#N/A</c> becomes a row error.
/// </summary>
public sealed class XlsxSource : IImportSource, IHeaderSearch
{
    private readonly Func<Stream> open;
    private readonly bool copyFirst;
    private readonly XlsxSourceOptions options;

    private XlsxSource(Func<Stream> open, bool copyFirst, string? name, XlsxSourceOptions? options)
    {
        this.open = open;
        this.copyFirst = copyFirst;
        this.options = options ?? new XlsxSourceOptions();
        BulkDataConfigurationException.ThrowIfInvalid(this.options);
        Name = name;
    }

    /// <inheritdoc/>
    public string Format => "xlsx";

    /// <summary>An XLSX sink: the report opens in the spreadsheet the file came from.</summary>
    /// <param name="output">The stream to write to.</param>
    /// <returns>The sink.</returns>
    public IExportSink CreateReportSink(Stream output) => XlsxSink.ToStream(output);

    /// <inheritdoc/>
    public string? Name { get; }

    /// <summary>Reads a workbook file; it is opened afresh, and closed, on every read.</summary>
    /// <param name="path">The file's path.</param>
    /// <param name="options">The sheet and header row; null for the first sheet, header in row 1.</param>
    /// <returns>The source.</returns>
    public static XlsxSource FromFile(string path, XlsxSourceOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new XlsxSource(SourceStreams.File(path), copyFirst: false, Path.GetFileName(path), options);
    }

    /// <summary>
    /// Reads a workbook from a stream the caller owns. A ZIP needs random access and the ZIP reader reads
    /// synchronously, which request streams forbid: a stream other than a memory or file stream is first
    /// copied, asynchronously, to a temporary file deleted when reading ends. A seekable stream is rewound
    /// on each read; a forward-only one can be read once.
    /// </summary>
    /// <param name="stream">The stream; it is not disposed.</param>
    /// <param name="name">The file name recorded on the job.</param>
    /// <param name="options">The sheet and header row; null for the first sheet, header in row 1.</param>
    /// <returns>The source.</returns>
    public static XlsxSource FromStream(Stream stream, string? name = null, XlsxSourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var caller = SourceStreams.Caller(stream);
        var randomAccess = stream is MemoryStream or FileStream && stream.CanSeek;
        return new XlsxSource(randomAccess ? () => new NonClosingStream(caller()) : caller, copyFirst: !randomAccess, name, options);
    }

    /// <inheritdoc/>
    public async ValueTask<IImportReader> OpenAsync(CancellationToken cancellationToken = default)
    {
        var reader = await OpenSheetAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await reader.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
            return reader;
        }
        catch
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    async Task<IReadOnlyList<(string? Sheet, IImportSource Source)>> IHeaderSearch.HeaderReadingsAsync(CancellationToken cancellationToken) =>
        [.. (await ListSheetsAsync(cancellationToken).ConfigureAwait(false)).Select(sheet => ((string?)sheet.Name, (IImportSource)new XlsxSource(open, copyFirst, Name, options.FindingHeaderOn(sheet.Name))))];

    /// <summary>Lists the workbook's sheets, in workbook order, with their visibility.</summary>
    /// <param name="cancellationToken">Cancels reading.</param>
    /// <returns>The sheets.</returns>
    /// <exception cref="ImportSourceException">The file is not a readable workbook.</exception>
    public async Task<IReadOnlyList<SheetInfo>> ListSheetsAsync(CancellationToken cancellationToken = default)
    {
        var (stream, document, _) = await OpenPackageAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Sheets(document).Select((sheet, index) => new SheetInfo(
                sheet.Name?.Value ?? string.Empty,
                index,
                sheet.State?.Value == SheetStateValues.Hidden ? SheetVisibility.Hidden
                    : sheet.State?.Value == SheetStateValues.VeryHidden ? SheetVisibility.VeryHidden
                    : SheetVisibility.Visible)).ToArray();
        }
        catch (Exception e) when (IsDamage(e))
        {
            throw Damaged(e, "to list its sheets");
        }
        finally
        {
            document.Dispose();
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads every row of the sheet as typed cells with their references, the header row and the rows above
    /// it included, for callers who need the raw table. Empty cells and empty rows are left out.
    /// </summary>
    /// <param name="cancellationToken">Cancels reading.</param>
    /// <returns>The rows, in sheet order.</returns>
    /// <exception cref="ImportSourceException">The file is not a readable workbook.</exception>
    public async IAsyncEnumerable<SpreadsheetRow> ReadCellsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var reader = await OpenSheetAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var row in reader.ReadTypedRowsAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return row;
        }
    }

    /// <summary>Opens the package and the chosen sheet, before its header is read.</summary>
    private async Task<SheetReader> OpenSheetAsync(CancellationToken cancellationToken)
    {
        var (stream, document, budget) = await OpenPackageAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var workbook = document.WorkbookPart!;
            var sheet = FindSheet(workbook);
            var part = (WorksheetPart)workbook.GetPartById(sheet.Id!.Value!);
            return new SheetReader(
                stream,
                document,
                budget.Open(part),
                await ReadSharedStringsAsync(workbook.SharedStringTablePart, budget, cancellationToken).ConfigureAwait(false),
                DateStyles(workbook.WorkbookStylesPart?.Stylesheet),
                workbook.Workbook.WorkbookProperties?.Date1904?.Value ?? false,
                options);
        }
        catch (Exception e)
        {
            document.Dispose();
            await stream.DisposeAsync().ConfigureAwait(false);
            if (IsDamage(e))
            {
                throw Damaged(e, "before its first row");
            }

            throw;
        }
    }

    /// <summary>Opens the workbook package within the limits: size, ZIP bomb checks, a workbook part.</summary>
    private async Task<(Stream Stream, SpreadsheetDocument Document, WorkbookPackage.Budget Budget)> OpenPackageAsync(CancellationToken cancellationToken)
    {
        var stream = copyFirst ? await CopyToTemporaryFileAsync(open(), cancellationToken).ConfigureAwait(false) : open();
        SpreadsheetDocument? document = null;
        try
        {
            if (stream.Length > options.MaxFileBytes)
            {
                throw FileTooLarge();
            }

            var (budget, repaired) = WorkbookPackage.Inspect(stream, options);
            if (repaired is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                stream = repaired;
            }

            document = OpenDocument(stream);
            _ = document.WorkbookPart ?? throw new ImportSourceException("The file is a ZIP archive but not an Excel workbook: it has no workbook part. Save it from Excel as .xlsx.");
            return (stream, document, budget);
        }
        catch (Exception e)
        {
            document?.Dispose();
            await stream.DisposeAsync().ConfigureAwait(false);
            if (IsDamage(e))
            {
                throw Damaged(e, "before its first row");
            }

            throw;
        }
    }

    private static List<Sheet> Sheets(SpreadsheetDocument document) =>
        document.WorkbookPart!.Workbook.Sheets?.Elements<Sheet>().ToList() ?? [];

    /// <summary>
    /// True for what the ZIP, packaging, OpenXML and XML layers throw on a damaged or hostile workbook, as
    /// opposed to cancellation and BulkData's own errors.
    /// </summary>
    internal static bool IsDamage(Exception e) => e is not (OperationCanceledException or BulkDataException or OutOfMemoryException);

    /// <summary>A damaged workbook's error: where the reading broke, and what to do.</summary>
    internal static ImportSourceException Damaged(Exception e, string where, long? line = null) =>
        new($"The workbook is damaged and cannot be read {where} ({(e is XmlException xml ? $"XML line {xml.LineNumber}, position {xml.LinePosition}: " : string.Empty)}{e.Message.TrimEnd('.')}). Open it in Excel and save it again, or export it anew.", e) { LineNumber = line };

    /// <summary>
    /// Copies a stream of unknown kind (an HTTP request body) to a temporary file, asynchronously: a ZIP needs
    /// random access, and the ZIP reader reads synchronously, which request streams forbid. The file is
    /// deleted when reading ends; the copy stops at <see cref="XlsxSourceOptions.MaxFileBytes"/>.
    /// </summary>
    private async Task<Stream> CopyToTemporaryFileAsync(Stream input, CancellationToken cancellationToken)
    {
        var copy = SourceStreams.TemporaryFile();
        try
        {
            await SourceStreams.CopyLimitedAsync(input, copy, options.MaxFileBytes, FileTooLarge, cancellationToken).ConfigureAwait(false);
            copy.Position = 0;
            return copy;
        }
        catch
        {
            await copy.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private ImportLimitExceededException FileTooLarge() =>
        WorkbookPackage.Limit(nameof(XlsxSourceOptions.MaxFileBytes), options.MaxFileBytes, "The workbook is larger than", "bytes");

    private static SpreadsheetDocument OpenDocument(Stream stream)
    {
        try
        {
            return SpreadsheetDocument.Open(stream, isEditable: false);
        }
        catch (Exception e) when (e is InvalidDataException or FileFormatException or OpenXmlPackageException or IOException or ArgumentException)
        {
            throw new ImportSourceException("The file is not a valid Excel workbook (.xlsx): it is damaged or in another format. Open it in Excel and save it as 'Excel Workbook (.xlsx)'.", e);
        }
    }

    private Sheet FindSheet(WorkbookPart workbook)
    {
        var sheets = workbook.Workbook.Sheets?.Elements<Sheet>().ToList() ?? [];
        var sheet = options.SheetName is { } name
            ? sheets.Find(s => string.Equals(s.Name?.Value, name, StringComparison.OrdinalIgnoreCase))
            : options.SheetIndex >= 0 && options.SheetIndex < sheets.Count ? sheets[options.SheetIndex] : null;
        if (sheet?.Id?.Value is null || workbook.GetPartById(sheet.Id.Value) is not WorksheetPart)
        {
            var wanted = options.SheetName is { } missing ? $"no sheet named '{missing}'" : $"no sheet number {options.SheetIndex + 1}";
            throw new ImportSourceException($"The workbook has {wanted}. Its sheets are: {string.Join(", ", sheets.Select(s => s.Name?.Value))}.")
            { Column = options.SheetName };
        }

        return sheet;
    }

    private async Task<string[]> ReadSharedStringsAsync(SharedStringTablePart? part, WorkbookPackage.Budget budget, CancellationToken cancellationToken)
    {
        if (part is null)
        {
            return [];
        }

        var strings = new List<string>();
        long characters = 0;
        using var xml = XmlReader.Create(budget.Open(part), SheetReader.XmlSettings);
        await xml.ReadAsync().ConfigureAwait(false);
        while (!xml.EOF)
        {
            if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "si")
            {
                // ReadRichText leaves the reader on the node after </si>, which may be the next <si>.
                var text = SheetReader.ReadRichText(xml);
                characters += text.Length;
                if (strings.Count >= options.MaxSharedStrings)
                {
                    throw WorkbookPackage.Limit(nameof(XlsxSourceOptions.MaxSharedStrings), options.MaxSharedStrings, "The workbook holds more shared texts than", "texts");
                }

                if (characters > options.MaxSharedStringChars)
                {
                    throw WorkbookPackage.Limit(nameof(XlsxSourceOptions.MaxSharedStringChars), options.MaxSharedStringChars, "The workbook's shared texts hold more than", "characters");
                }

                strings.Add(text);
                cancellationToken.ThrowIfCancellationRequested();
            }
            else
            {
                await xml.ReadAsync().ConfigureAwait(false);
            }
        }

        return [.. strings];
    }

    /// <summary>For each cell format (style index), whether its number format shows a date, a time or neither.</summary>
    private static DateKind[] DateStyles(Stylesheet? styles)
    {
        if (styles?.CellFormats is null)
        {
            return [];
        }

        // A format id defined twice (some writers do) keeps its first definition.
        var custom = styles.NumberingFormats?.Elements<NumberingFormat>()
            .Where(f => f.NumberFormatId?.Value is not null)
            .GroupBy(f => f.NumberFormatId!.Value)
            .ToDictionary(g => g.Key, g => g.First().FormatCode?.Value ?? string.Empty) ?? [];
        return styles.CellFormats.Elements<CellFormat>()
            .Select(format => format.NumberFormatId?.Value ?? 0u)
            .Select(id => custom.TryGetValue(id, out var code) ? DateKindOf(code) : BuiltInDateKind(id))
            .ToArray();
    }

    private static DateKind BuiltInDateKind(uint id) => id switch
    {
        >= 14 and <= 17 or 22 or >= 27 and <= 36 or >= 50 and <= 58 => DateKind.Date,
        >= 18 and <= 21 or 45 or 47 => DateKind.Time,
        46 => DateKind.Duration,
        _ => DateKind.None,
    };

    /// <summary>
    /// A custom format is a duration when it has an elapsed-time part ([h], [mm], [ss]), a date when d, m or y,
    /// or a time when h or s, appears outside quotes, other brackets and escapes.
    /// </summary>
    internal static DateKind DateKindOf(string formatCode)
    {
        var section = formatCode.Split(';')[0];
        bool date = false, time = false, month = false;
        for (var i = 0; i < section.Length; i++)
        {
            switch (char.ToLowerInvariant(section[i]))
            {
                case '"':
                    i = section.IndexOf('"', i + 1) is var close and >= 0 ? close : section.Length;
                    break;
                case '[':
                    var end = section.IndexOf(']', i + 1) is var found and >= 0 ? found : section.Length;
                    if (section.AsSpan(i + 1, end - i - 1).Trim(['h', 'H', 'm', 'M', 's', 'S']).IsEmpty && end > i + 1)
                    {
                        return DateKind.Duration;
                    }

                    i = end;
                    break;
                case '\\' or '_' or '*':
                    i++;
                    break;
                case 'd' or 'y':
                    date = true;
                    break;
                case 'h' or 's':
                    time = true;
                    break;
                case 'm':
                    month = true;
                    break;
            }
        }

        return date || (month && !time) ? DateKind.Date : time ? DateKind.Time : DateKind.None;
    }

    internal enum DateKind
    {
        None,
        Date,
        Time,

        /// <summary>Elapsed time ([h]:mm), read as a duration, never as a date.</summary>
        Duration,
    }

    /// <summary>Streams the rows of one worksheet part.</summary>
    private sealed class SheetReader : IImportReader, IHeaderRowChoice
    {
        internal static readonly XmlReaderSettings XmlSettings = new()
        {
            Async = true,
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };

        private const int MaxColumns = 16_384;

        private readonly Stream stream;
        private readonly SpreadsheetDocument document;
        private readonly XmlReader xml;
        private readonly string[] sharedStrings;
        private readonly DateKind[] dateStyles;
        private readonly bool date1904;
        private readonly int headerRow;
        private readonly bool hasHeaderRow;
        private string[] headers = [];
        private long lastRowNumber;
        private SheetRow? ahead;
        private readonly Queue<SheetRow> replayed = new();
        private List<SheetRow>? candidates;
        private (long Line, IReadOnlyList<string> Cells)[] candidateHeaders = [];
        private long? lastSheetRow;

        public SheetReader(Stream stream, SpreadsheetDocument document, Stream sheetPart, string[] sharedStrings, DateKind[] dateStyles, bool date1904, XlsxSourceOptions options)
        {
            this.stream = stream;
            this.document = document;
            this.sharedStrings = sharedStrings;
            this.dateStyles = dateStyles;
            this.date1904 = date1904;
            headerRow = options.HeaderRow;
            hasHeaderRow = options.HasHeaderRow;
            xml = XmlReader.Create(sheetPart, XmlSettings);
        }

        public IReadOnlyList<string> Headers => headers;

        public bool HasHeaderRow => hasHeaderRow;

        /// <summary>The data rows the sheet's dimension (<c>A1:H1001</c>) implies, blank rows included; null without one.</summary>
        public long? EstimatedRows => lastSheetRow is { } last && last > headerRow ? last - headerRow + (hasHeaderRow ? 0 : 1) : null;

        /// <summary>The last row of a range reference such as <c>A1:H1001</c>; null for a single cell or none.</summary>
        private static long? LastRowOf(string? reference)
        {
            var colon = reference?.IndexOf(':', StringComparison.Ordinal) ?? -1;
            if (colon < 0)
            {
                return null;
            }

            var end = reference.AsSpan(colon + 1).TrimStart("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz$");
            return long.TryParse(end, NumberStyles.None, CultureInfo.InvariantCulture, out var row) ? row : null;
        }

        public async ValueTask ReadHeaderAsync(CancellationToken cancellationToken)
        {
            if (headerRow == XlsxSourceOptions.FindHeaderRow && hasHeaderRow)
            {
                // The first rows with values are held for the import to choose the header from; the first is the header until it does.
                candidates = [];
                while (candidates.Count < XlsxSourceOptions.HeaderRowCandidates && await NextRowAsync(cancellationToken).ConfigureAwait(false) is { } row)
                {
                    if (!IsBlank(row))
                    {
                        candidates.Add(row);
                    }
                }

                candidateHeaders = candidates.Select(r => (r.Number, (IReadOnlyList<string>)HeaderOf(r))).ToArray();
                if (candidates.Count > 0)
                {
                    UseHeaderRow(0);
                }

                return;
            }

            while (await NextRowAsync(cancellationToken).ConfigureAwait(false) is { } row)
            {
                if (row.Number < headerRow || (!hasHeaderRow && IsBlank(row)))
                {
                    continue;
                }

                if (!hasHeaderRow)
                {
                    // Without a header row the columns are named by their letters, as wide as the first data row.
                    headers = Enumerable.Range(0, row.Cells.Count).Select(SpreadsheetValues.ColumnName).ToArray();
                    replayed.Enqueue(row);
                    return;
                }

                headers = HeaderOf(row);
                return;
            }
        }

        /// <summary>The rows an import may take the header from (<see cref="XlsxSourceOptions.FindHeaderRow"/>): their line and cells; empty otherwise.</summary>
        public IReadOnlyList<(long Line, IReadOnlyList<string> Cells)> HeaderCandidates => candidateHeaders;

        /// <summary>Takes a candidate as the header: the candidates above it are skipped, those below it are the first data rows.</summary>
        public void UseHeaderRow(int candidate)
        {
            headers = [.. candidateHeaders[candidate].Cells];
            replayed.Clear();
            foreach (var row in candidates!.Skip(candidate + 1))
            {
                replayed.Enqueue(row);
            }
        }

        // Kept exactly as written: only the header matcher normalises.
        private static string[] HeaderOf(SheetRow row)
        {
            var texts = row.Cells.Select(c => c.Text ?? string.Empty).ToArray();
            return texts[..(Array.FindLastIndex(texts, h => !string.IsNullOrWhiteSpace(h)) + 1)];
        }

        public async IAsyncEnumerable<SourceRow> ReadRowsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            if (headers.Length == 0)
            {
                yield break;
            }

            long dataRow = 0;
            while ((replayed.TryDequeue(out var held) ? held : await NextRowAsync(cancellationToken).ConfigureAwait(false)) is { } row)
            {
                if (IsBlank(row))
                {
                    continue;
                }

                dataRow++;
                var cells = new string?[headers.Length];
                var typed = new bool[headers.Length];
                RowError? problem = null;
                List<string>? beyond = null;
                for (var i = 0; i < row.Cells.Count; i++)
                {
                    var cell = row.Cells[i];
                    if (i < cells.Length)
                    {
                        cells[i] = cell.Text;
                        typed[i] = cell.Typed;
                        if (problem is null && cell.Problem is { } message)
                        {
                            problem = new RowError(RowErrorKind.Structure, $"Cell {SpreadsheetValues.ColumnName(i)}{row.Number}: {message}", dataRow, row.Number, headers[i], cell.Raw);
                        }
                    }
                    else if (!string.IsNullOrWhiteSpace(cell.Text) || cell.Problem is not null)
                    {
                        (beyond ??= []).Add($"{SpreadsheetValues.ColumnName(i)}{row.Number}");
                    }
                }

                yield return new SourceRow(dataRow, row.Number, new TypedCells(cells, typed), problem)
                {
                    Warning = beyond is null ? null : $"Row {dataRow} (line {row.Number}) has values to the right of the last header, in {string.Join(", ", beyond.Take(10))}{(beyond.Count > 10 ? $" and {beyond.Count - 10} more" : string.Empty)}: they are not imported. Add headers for them, or clear the cells.",
                };
            }
        }

        /// <summary>Every row from the top of the sheet as typed cells, empty cells and rows left out.</summary>
        public async IAsyncEnumerable<SpreadsheetRow> ReadTypedRowsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            while (await NextRowAsync(cancellationToken).ConfigureAwait(false) is { } row)
            {
                var cells = new List<SpreadsheetCell>();
                for (var i = 0; i < row.Cells.Count; i++)
                {
                    if (row.Cells[i] is { Kind: not CellKind.Empty } cell && (cell.Text ?? cell.Raw) is { } text)
                    {
                        var (kind, value) = TypedValue(cell.Kind, text);
                        cells.Add(new SpreadsheetCell($"{SpreadsheetValues.ColumnName(i)}{row.Number}", kind, value));
                    }
                }

                if (cells.Count > 0)
                {
                    yield return new SpreadsheetRow(row.Number, cells);
                }
            }
        }

        /// <summary>A cell's value as its kind's type; a value that does not read as its type (a damaged or hand-made sheet) is text.</summary>
        private static (CellKind Kind, object Value) TypedValue(CellKind kind, string text) => kind switch
        {
            CellKind.Number when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => (kind, number),
            CellKind.Boolean when text is "true" or "false" => (kind, text == "true"),
            CellKind.Date when DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var date) => (kind, date),
            CellKind.Time when TimeOnly.TryParse(text, CultureInfo.InvariantCulture, out var time) => (kind, time),
            CellKind.Duration when TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out var duration) => (kind, duration),
            CellKind.Error => (kind, text),
            _ => (CellKind.Text, text),
        };

        private static bool IsBlank(SheetRow row) => row.Cells.All(c => string.IsNullOrWhiteSpace(c.Text) && c.Problem is null);

        public ValueTask DisposeAsync()
        {
            xml.Dispose();
            document.Dispose();
            return stream.DisposeAsync();
        }

        /// <summary>Reads rich text (an <c>si</c> or <c>is</c> element): every <c>t</c>, phonetic runs excluded. Leaves the reader after the element.</summary>
        internal static string ReadRichText(XmlReader xml)
        {
            if (xml.IsEmptyElement)
            {
                xml.Read();
                return string.Empty;
            }

            var depth = xml.Depth;
            string? text = null;
            xml.Read();
            while (!(xml.NodeType == XmlNodeType.EndElement && xml.Depth == depth))
            {
                if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "t")
                {
                    var run = xml.ReadElementContentAsString();
                    text = text is null ? run : text + run;
                }
                else if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "rPh")
                {
                    xml.Skip();
                }
                else
                {
                    xml.Read();
                }
            }

            xml.Read();
            return SpreadsheetValues.Unescape(text ?? string.Empty);
        }

        private static int ColumnIndex(string reference)
        {
            var index = 0;
            foreach (var c in reference)
            {
                var letter = char.ToUpperInvariant(c);
                if (letter is < 'A' or > 'Z' || index > MaxColumns)
                {
                    break;
                }

                index = (index * 26) + (letter - 'A' + 1);
            }

            return index - 1;
        }

        /// <summary>
        /// The next row, its cells gathered from every consecutive <c>row</c> element of its number (some generators write
        /// one element per cell, all with the same <c>r</c>), a later cell at the same reference winning, as Excel shows it.
        /// </summary>
        private async Task<SheetRow?> NextRowAsync(CancellationToken cancellationToken)
        {
            try
            {
                var row = ahead ?? await ReadNextRowAsync(cancellationToken).ConfigureAwait(false);
                ahead = null;
                while (row is not null && await ReadNextRowAsync(cancellationToken).ConfigureAwait(false) is { } next)
                {
                    if (next.Number != row.Number)
                    {
                        ahead = next;
                        break;
                    }

                    for (var i = 0; i < next.Cells.Count; i++)
                    {
                        // The gaps before a later element's cells hold nothing to take.
                        if (next.Cells[i] != default)
                        {
                            Place(row.Cells, i, next.Cells[i]);
                        }
                    }
                }

                return row;
            }
            catch (Exception e) when (IsDamage(e))
            {
                throw Damaged(e, $"after spreadsheet row {lastRowNumber}", lastRowNumber + 1);
            }
        }

        private async Task<SheetRow?> ReadNextRowAsync(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            while (await xml.ReadAsync().ConfigureAwait(false))
            {
                if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "dimension")
                {
                    lastSheetRow = LastRowOf(xml.GetAttribute("ref"));
                }
                else if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "row")
                {
                    var number = long.TryParse(xml.GetAttribute("r"), NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : lastRowNumber + 1;
                    lastRowNumber = number;
                    var cells = new List<SheetCell>();
                    if (!xml.IsEmptyElement)
                    {
                        ReadCells(cells);
                    }

                    return new SheetRow(number, cells);
                }
            }

            return null;
        }

        /// <summary>Reads the cells of the current row, placing each at its reference (sparse cells leave gaps).</summary>
        private void ReadCells(List<SheetCell> cells)
        {
            var depth = xml.Depth;
            xml.Read();
            while (!(xml.NodeType == XmlNodeType.EndElement && xml.Depth == depth))
            {
                if (xml.NodeType != XmlNodeType.Element || xml.LocalName != "c")
                {
                    xml.Read();
                    continue;
                }

                // A reference without letters counts as "next cell", like a missing one; Excel has 16,384 columns at most.
                var index = xml.GetAttribute("r") is { } reference && ColumnIndex(reference) is >= 0 and var column ? column : cells.Count;
                var type = xml.GetAttribute("t");
                var style = int.TryParse(xml.GetAttribute("s"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
                var cell = ReadCell(type, style);
                if (index >= MaxColumns)
                {
                    continue;
                }

                Place(cells, index, cell);
            }
        }

        /// <summary>Puts a cell at its column, the columns before it left empty when the row has none there yet.</summary>
        private static void Place(List<SheetCell> cells, int index, SheetCell cell)
        {
            while (cells.Count < index)
            {
                cells.Add(default);
            }

            if (index >= cells.Count)
            {
                cells.Add(cell);
            }
            else
            {
                cells[index] = cell;
            }
        }

        /// <summary>Reads one <c>c</c> element into text the converters understand; leaves the reader after it.</summary>
        private SheetCell ReadCell(string? type, int style)
        {
            if (xml.IsEmptyElement)
            {
                xml.Read();
                return default;
            }

            var depth = xml.Depth;
            string? value = null;
            string? inline = null;
            xml.Read();
            while (!(xml.NodeType == XmlNodeType.EndElement && xml.Depth == depth))
            {
                if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "v")
                {
                    value = xml.ReadElementContentAsString();
                }
                else if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "is")
                {
                    inline = ReadRichText(xml);
                }
                else if (xml.NodeType == XmlNodeType.Element)
                {
                    xml.Skip();
                }
                else
                {
                    xml.Read();
                }
            }

            xml.Read();
            if (string.IsNullOrEmpty(value) && inline is null)
            {
                // <c t="s"></c>, <v></v>: a typed cell with no value is empty, not damaged.
                return default;
            }

            return type switch
            {
                "s" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < sharedStrings.Length
                    ? new SheetCell(sharedStrings[i])
                    : new SheetCell(null, "The cell points to a shared text that the workbook does not have; the file is damaged. Open and save it in Excel.", value, CellKind.Error),
                "inlineStr" => new SheetCell(inline ?? (value is null ? null : SpreadsheetValues.Unescape(value))),
                "str" => new SheetCell(value is null ? null : SpreadsheetValues.Unescape(value)),
                "b" => new SheetCell(value switch { "1" => "true", "0" => "false", _ => value }, Kind: CellKind.Boolean),
                "e" => new SheetCell(null, $"The cell holds the Excel error {value}. Fix the formula or type the value in.", value, CellKind.Error),
                "d" when value is ['P', ..] or ['-', 'P', ..] => IsoDuration(value),
                _ when value is not null && style < dateStyles.Length && dateStyles[style] != DateKind.None
                    && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var serial) => DateCell(serial, dateStyles[style], value),
                "d" => new SheetCell(value, Kind: CellKind.Date),
                _ => new SheetCell(value, Kind: CellKind.Number),
            };
        }

        /// <summary>An ISO 8601 duration ("PT0H11M"), as LibreOffice writes elapsed times in date cells.</summary>
        private static SheetCell IsoDuration(string value)
        {
            try
            {
                return new SheetCell(XmlConvert.ToTimeSpan(value).ToString("c", CultureInfo.InvariantCulture), Kind: CellKind.Duration);
            }
            catch (FormatException)
            {
                return new SheetCell(null, $"The cell holds '{value}', which is not a duration. Type the time again.", value, CellKind.Error);
            }
            catch (OverflowException)
            {
                return new SheetCell(null, $"The cell holds '{value}', a duration too long to read. Type the time again.", value, CellKind.Error);
            }
        }

        /// <summary>A number shown as a date, a time of day or an elapsed time, as text the converters read.</summary>
        private SheetCell DateCell(double serial, DateKind kind, string raw)
        {
            var milliseconds = Math.Round(serial * 86_400_000d);
            if (kind == DateKind.Duration || (kind == DateKind.Time && serial is < 0 or >= 1))
            {
                return Math.Abs(milliseconds) < TimeSpan.MaxValue.TotalMilliseconds
                    ? new SheetCell(TimeSpan.FromMilliseconds(milliseconds).ToString("c", CultureInfo.InvariantCulture), Kind: CellKind.Duration)
                    : new SheetCell(null, $"The cell holds {raw}, too long a time to read. Type the time again, or format the cell as a number.", raw, CellKind.Number);
            }

            if (kind == DateKind.Time)
            {
                return new SheetCell(TimeOnly.FromTimeSpan(TimeSpan.FromMilliseconds(milliseconds % 86_400_000d)).ToString("HH:mm:ss.FFF", CultureInfo.InvariantCulture), Kind: CellKind.Time);
            }

            // The 1904 system reaches back to 1900 with negative serials, as ExcelDataReader reads them.
            if (date1904 ? serial < -Days1900To1904 || serial >= MaxDateSerial - Days1900To1904 : serial is < 0 or >= MaxDateSerial)
            {
                return new SheetCell(null, $"The cell holds {raw}, outside the dates Excel can show (1900 to 9999), though it is formatted as a date. Type the date again, or format the cell as a number.", raw, CellKind.Number);
            }

            var date = SpreadsheetValues.FromSerial(serial, date1904);
            return new SheetCell(
                date.TimeOfDay == TimeSpan.Zero ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : date.ToString("yyyy-MM-ddTHH:mm:ss.FFF", CultureInfo.InvariantCulture),
                Kind: CellKind.Date);
        }

        /// <summary>The serial of 10000-01-01 in the 1900 system, the first day Excel cannot show.</summary>
        private const double MaxDateSerial = 2_958_466;

        /// <summary>How many days the 1904 system's serials count from later than the 1900 system's.</summary>
        private const double Days1900To1904 = 1_462;

        /// <summary>A cell's text and kind; numbers, booleans, dates and times are typed: Excel stores them in invariant notation.</summary>
        private readonly record struct SheetCell(string? Text, string? Problem = null, string? Raw = null, CellKind Kind = CellKind.Text)
        {
            public bool Typed => Kind is CellKind.Number or CellKind.Boolean or CellKind.Date or CellKind.Time or CellKind.Duration;
        }

        private sealed record SheetRow(long Number, List<SheetCell> Cells);
    }

    /// <summary>Lets the package close its stream without closing the caller's.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => inner.CanSeek;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
