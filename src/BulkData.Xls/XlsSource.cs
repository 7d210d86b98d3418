using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using BulkData.Sources;
using ExcelDataReader;
using ExcelDataReader.Exceptions;

namespace BulkData;

/// <summary>
/// Reads a worksheet of an Excel 97-2003 workbook (.xls, BIFF8), as banks, ERPs and government portals still send
/// them, through ExcelDataReader, the reader made for the format (hand-writing BIFF8 and its compound file would
/// repeat it). Cells come as the XLSX source gives them: numbers, booleans and dates typed in invariant notation (a
/// date cell as <c>2024-03-01</c>, with its time when it has one; a time of day as <c>13:30:00</c>), text as written,
/// read in each column's culture. A workbook encrypted with Excel's default password opens as Excel opens it;
/// another password is asked for (<see cref="XlsSourceOptions.Password"/>). BIFF8 is a binary format read whole:
/// the file is limited by <see cref="XlsSourceOptions.MaxFileBytes"/>.
/// </summary>
public sealed class XlsSource : IImportSource
{
    private static readonly byte[] CompoundFile = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    private readonly Func<CancellationToken, Task<(Stream Stream, bool Owned)>> open;
    private readonly XlsSourceOptions options;

    static XlsSource() =>
        // BIFF8 text before Unicode names its code page (Windows-1252 and the like), which .NET has only through this provider.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private XlsSource(Func<CancellationToken, Task<(Stream Stream, bool Owned)>> open, string? name, XlsSourceOptions? options)
    {
        options ??= new XlsSourceOptions();
        BulkDataConfigurationException.ThrowIfInvalid(options);

        this.open = open;
        this.options = options;
        Name = name;
    }

    /// <inheritdoc/>
    public string Format => "xls";

    /// <inheritdoc/>
    public string? Name { get; }

    /// <summary>Reads a workbook file; it is opened afresh, and closed, on every read.</summary>
    /// <param name="path">The file's path.</param>
    /// <param name="options">The sheet and header row; null for the first sheet, header in row 1.</param>
    /// <returns>The source.</returns>
    public static XlsSource FromFile(string path, XlsSourceOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new XlsSource(_ => Task.FromResult<(Stream, bool)>((File.OpenRead(path), true)), Path.GetFileName(path), options);
    }

    /// <summary>
    /// Reads a workbook from a stream. A seekable stream is read in place and rewound on each read; any other (an
    /// upload) is first copied, asynchronously, to a temporary file, and can be read once.
    /// </summary>
    /// <param name="stream">The stream; it is not disposed.</param>
    /// <param name="name">The file name recorded on the job.</param>
    /// <param name="options">The sheet and header row; null for the first sheet, header in row 1.</param>
    /// <returns>The source.</returns>
    public static XlsSource FromStream(Stream stream, string? name = null, XlsSourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new XlsSource(async cancellationToken => stream.CanSeek ? (Rewound(stream), false) : (await CopyAsync(stream, cancellationToken).ConfigureAwait(false), true), name, options);
    }

    /// <inheritdoc/>
    public async ValueTask<IImportReader> OpenAsync(CancellationToken cancellationToken = default)
    {
        var (stream, owned) = await open(cancellationToken).ConfigureAwait(false);
        try
        {
            var reader = Check(stream) ?? ExcelReaderFactory.CreateReader(stream, new ExcelReaderConfiguration { Password = options.Password, LeaveOpen = true });
            var sheet = new SheetReader(reader, owned ? stream : null, options);
            try
            {
                sheet.ReadHeader();
                return sheet;
            }
            catch
            {
                await sheet.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch (Exception e) when (e is not BulkDataException and not OperationCanceledException)
        {
            if (owned)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }

            throw Refused(e);
        }
        catch
        {
            if (owned)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>Refuses, before ExcelDataReader parses anything, a file over the size limit or one that is not a compound file.</summary>
    private IExcelDataReader? Check(Stream stream)
    {
        if (stream.Length > options.MaxFileBytes)
        {
            throw new ImportLimitExceededException($"{nameof(XlsSourceOptions)}.{nameof(XlsSourceOptions.MaxFileBytes)}", options.MaxFileBytes, "The workbook is larger than", "bytes");
        }

        Span<byte> start = stackalloc byte[CompoundFile.Length];
        var read = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        if (read == start.Length && start.SequenceEqual(CompoundFile))
        {
            return null;
        }

        throw new ImportSourceException(read >= 2 && start[0] == (byte)'P' && start[1] == (byte)'K'
            ? "The file is an Excel workbook (.xlsx), not an Excel 97-2003 one (.xls). Upload it as .xlsx."
            : "The file is not an Excel 97-2003 workbook (.xls): it is in another format (text, CSV, PDF?). Upload it as the format it is.");
    }

    /// <summary>ExcelDataReader's refusal as a message a person can act on.</summary>
    private static ImportSourceException Refused(Exception e) => e switch
    {
        InvalidPasswordException => new ImportSourceException("The workbook is password-protected (encrypted), so it cannot be read without its password. Give the password, or open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password), save it and upload it again.", e),
        _ => new ImportSourceException($"The file is not a valid Excel 97-2003 workbook (.xls): it is cut short or damaged ({e.Message.TrimEnd('.')}). Upload the whole file again, or open it in Excel and save it as 'Excel Workbook (.xlsx)'.", e),
    };

    private static Stream Rewound(Stream stream)
    {
        stream.Position = 0;
        return stream;
    }

    private static async Task<Stream> CopyAsync(Stream stream, CancellationToken cancellationToken)
    {
        var copy = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81_920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            await stream.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
            copy.Position = 0;
            return copy;
        }
        catch
        {
            await copy.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The open sheet: its header read, its rows streamed from ExcelDataReader.</summary>
    private sealed class SheetReader(IExcelDataReader reader, Stream? owned, XlsSourceOptions options) : IImportReader
    {
        // A sheet without a header row: its first row with values, read while the columns were counted.
        private (long Line, string?[] Texts, bool[] Typed)? firstDataRow;

        public IReadOnlyList<string> Headers { get; private set; } = [];

        public bool HasHeaderRow => options.HasHeaderRow;

        public long? EstimatedRows => Math.Max(0, reader.RowCount - options.HeaderRow + (options.HasHeaderRow ? 0 : 1));

        /// <summary>Moves to the chosen sheet and reads its header.</summary>
        public void ReadHeader()
        {
            var names = new List<string>();
            for (var i = 0; i < reader.ResultsCount; i++, reader.NextResult())
            {
                names.Add(reader.Name);
                if (options.SheetName is { } wanted ? string.Equals(reader.Name, wanted, StringComparison.OrdinalIgnoreCase) : i == options.SheetIndex)
                {
                    ReadHeaderRow();
                    return;
                }
            }

            var missing = options.SheetName is { } name ? $"no sheet named '{name}'" : $"no sheet number {options.SheetIndex + 1}";
            throw new ImportSourceException($"The workbook has {missing}. Its sheets are: {string.Join(", ", names)}.") { Column = options.SheetName };
        }

        private void ReadHeaderRow()
        {
            while (reader.Read())
            {
                var line = reader.Depth + 1L;
                var texts = Texts(out var typed);
                if (line < options.HeaderRow || texts.All(string.IsNullOrWhiteSpace))
                {
                    continue;
                }

                if (!options.HasHeaderRow)
                {
                    Headers = Enumerable.Range(0, texts.Length).Select(ColumnName).ToArray();
                    firstDataRow = (line, texts, typed);
                    return;
                }

                var last = Array.FindLastIndex(texts, t => !string.IsNullOrWhiteSpace(t));
                Headers = texts[..(last + 1)].Select(t => t ?? string.Empty).ToArray();
                return;
            }
        }

        public async IAsyncEnumerable<SourceRow> ReadRowsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            if (Headers.Count == 0)
            {
                yield break;
            }

            long dataRow = 0;
            if (firstDataRow is var (firstLine, firstTexts, firstTyped))
            {
                yield return Row(++dataRow, firstLine, firstTexts, firstTyped);
                firstDataRow = null;
            }

            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var texts = Texts(out var typed);
                if (texts.All(string.IsNullOrWhiteSpace))
                {
                    continue;
                }

                yield return Row(++dataRow, reader.Depth + 1L, texts, typed);
            }

            await Task.CompletedTask.ConfigureAwait(false);
        }

        /// <summary>A row's cells in header order: the row's own arrays, cut or padded to the header only when the sheet is wider or narrower.</summary>
        private SourceRow Row(long number, long line, string?[] texts, bool[] typed)
        {
            var beyond = texts.Length > Headers.Count
                ? Enumerable.Range(Headers.Count, texts.Length - Headers.Count).Where(i => !string.IsNullOrWhiteSpace(texts[i])).Select(i => $"{ColumnName(i)}{line}").ToList()
                : [];
            Array.Resize(ref texts, Headers.Count);
            Array.Resize(ref typed, Headers.Count);
            return new SourceRow(number, line, new TypedCells(texts, typed))
            {
                Warning = beyond.Count == 0 ? null : $"Row {number} (line {line}) has values to the right of the last header, in {string.Join(", ", beyond.Take(10))}{(beyond.Count > 10 ? $" and {beyond.Count - 10} more" : string.Empty)}: they are not imported. Add headers for them, or clear the cells.",
            };
        }

        /// <summary>The current row's cells as the XLSX source writes them: typed values in invariant notation, text as it is.</summary>
        private string?[] Texts(out bool[] typed)
        {
            var texts = new string?[reader.FieldCount];
            typed = new bool[texts.Length];
            for (var i = 0; i < texts.Length; i++)
            {
                (texts[i], typed[i]) = reader.GetValue(i) switch
                {
                    null => (null, false),
                    string text => (text, false),
                    bool flag => (flag ? "true" : "false", true),
                    double number => (number.ToString("R", CultureInfo.InvariantCulture), true),
                    DateTime date => (DateText(date, reader.GetNumberFormatString(i)), true),
                    var other => (Convert.ToString(other, CultureInfo.InvariantCulture), true),
                };
            }

            return texts;
        }

        /// <summary>A date cell's text: a time of day when its format shows only a time, else the date with its time when it has one.</summary>
        private static string DateText(DateTime date, string? format)
        {
            var shown = format is null ? string.Empty : string.Concat(format.Split('"').Where((_, i) => i % 2 == 0)).ToLowerInvariant();
            if (shown.Length > 0 && !shown.Contains('d', StringComparison.Ordinal) && !shown.Contains('y', StringComparison.Ordinal) && (shown.Contains('h', StringComparison.Ordinal) || shown.Contains('s', StringComparison.Ordinal)))
            {
                return TimeOnly.FromDateTime(date).ToString("HH:mm:ss.FFF", CultureInfo.InvariantCulture);
            }

            return date.TimeOfDay == TimeSpan.Zero ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : date.ToString("yyyy-MM-ddTHH:mm:ss.FFF", CultureInfo.InvariantCulture);
        }

        /// <summary>A column's letters, as Excel names it (0: A, 26: AA).</summary>
        private static string ColumnName(int index)
        {
            var name = string.Empty;
            for (index++; index > 0; index = (index - 1) / 26)
            {
                name = (char)('A' + ((index - 1) % 26)) + name;
            }

            return name;
        }

        public async ValueTask DisposeAsync()
        {
            reader.Dispose();
            if (owned is not null)
            {
                await owned.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
