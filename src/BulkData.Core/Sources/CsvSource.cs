using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using BulkData.Validation;
using CsvHelper;
using CsvHelper.Configuration;

namespace BulkData.Sources;

/// <summary>
/// Reads CSV and TSV files with CsvHelper, streaming: quoted fields with delimiters, quotes and
/// line breaks, delimiter and encoding detection, blank lines skipped, and every broken row
/// reported with its line instead of stopping the import.
/// </summary>
public sealed class CsvSource : IImportSource
{
    private readonly Func<Stream> open;
    private readonly bool ownsStream;
    private readonly CsvSourceOptions options;

    private CsvSource(Func<Stream> open, bool ownsStream, string? name, CsvSourceOptions? options)
    {
        this.open = open;
        this.ownsStream = ownsStream;
        this.options = options ?? new CsvSourceOptions();
        Name = name;
    }

    /// <inheritdoc/>
    public string Format => "csv";

    /// <inheritdoc/>
    public string? Name { get; }

    /// <summary>Reads a CSV file; the file is opened afresh, and closed, on every read.</summary>
    /// <param name="path">The file's path.</param>
    /// <param name="options">Dialect and encoding options; null for the defaults.</param>
    /// <returns>The source.</returns>
    public static CsvSource FromFile(string path, CsvSourceOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new CsvSource(SourceStreams.File(path), ownsStream: true, Path.GetFileName(path), options);
    }

    /// <summary>
    /// Reads CSV from a stream the caller owns (an upload, a blob). A seekable stream is rewound on each
    /// read, so it can be previewed and then imported; a forward-only stream can be read once.
    /// </summary>
    /// <param name="stream">The stream; it is not disposed.</param>
    /// <param name="name">The file name recorded on the job.</param>
    /// <param name="options">Dialect and encoding options; null for the defaults.</param>
    /// <returns>The source.</returns>
    public static CsvSource FromStream(Stream stream, string? name = null, CsvSourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new CsvSource(SourceStreams.Caller(stream), ownsStream: false, name, options);
    }

    /// <summary>Reads CSV held in a string, e.g. text pasted by a user.</summary>
    /// <param name="csv">The CSV text.</param>
    /// <param name="name">The label recorded on the job.</param>
    /// <param name="options">Dialect options; null for the defaults.</param>
    /// <returns>The source.</returns>
    public static CsvSource FromText(string csv, string? name = null, CsvSourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(csv);
        return new CsvSource(SourceStreams.Text(csv), ownsStream: true, name, options);
    }

    /// <inheritdoc/>
    public async ValueTask<IImportReader> OpenAsync(CancellationToken cancellationToken = default)
    {
        var stream = open();
        try
        {
            var invalidBytes = new InvalidByteCounter();
            var encoding = options.Encoding ?? DetectEncoding(stream, invalidBytes);
            var text = new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: options.Encoding is null, bufferSize: 65_536, leaveOpen: !ownsStream);
            var reader = new CsvReaderAdapter(text, options, invalidBytes);
            await reader.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
            return reader;
        }
        catch
        {
            if (ownsStream)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>UTF-16 without a byte order mark shows as zero bytes in every other position.</summary>
    private static Encoding DetectEncoding(Stream stream, InvalidByteCounter invalidBytes)
    {
        var utf8 = (Encoding)new UTF8Encoding(false).Clone();
        utf8.DecoderFallback = invalidBytes;
        if (!stream.CanSeek)
        {
            return utf8;
        }

        Span<byte> start = stackalloc byte[4];
        var read = stream.ReadAtLeast(start, 4, throwOnEndOfStream: false);
        stream.Position -= read;
        return read switch
        {
            >= 4 when start[0] != 0 && start[1] == 0 && start[2] != 0 && start[3] == 0 => Encoding.Unicode,
            >= 4 when start[0] == 0 && start[1] != 0 && start[2] == 0 && start[3] != 0 => Encoding.BigEndianUnicode,
            _ => utf8,
        };
    }

    /// <summary>
    /// A decoder fallback that writes U+FFFD for each invalid byte sequence, as the default does, and
    /// counts them, so rows are searched for U+FFFD only in files that really had bad bytes.
    /// </summary>
    private sealed class InvalidByteCounter : DecoderFallback
    {
        public int Count { get; private set; }

        public override int MaxCharCount => 1;

        public override DecoderFallbackBuffer CreateFallbackBuffer() => new Buffer(this);

        private sealed class Buffer(InvalidByteCounter owner) : DecoderFallbackBuffer
        {
            private int remaining;

            public override int Remaining => remaining;

            public override bool Fallback(byte[] bytesUnknown, int index)
            {
                owner.Count++;
                remaining = 1;
                return true;
            }

            public override char GetNextChar() => remaining-- > 0 ? '\uFFFD' : '\0';

            public override bool MovePrevious()
            {
                if (remaining >= 1)
                {
                    return false;
                }

                remaining++;
                return true;
            }

            public override void Reset() => remaining = 0;
        }
    }

    private sealed class CsvReaderAdapter : IImportReader
    {
        private readonly TextReader text;
        private readonly CsvParser parser;
        private readonly InvalidByteCounter invalidBytes;
        private readonly int maxFieldLength;
        private string[] headers = [];
        private string? badField;

        public CsvReaderAdapter(TextReader text, CsvSourceOptions options, InvalidByteCounter invalidBytes)
        {
            this.text = text;
            this.invalidBytes = invalidBytes;
            maxFieldLength = options.MaxFieldLength;
            var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
            {
                DetectDelimiter = options.Delimiter is null,
                IgnoreBlankLines = true,
                MaxFieldSize = options.MaxFieldLength,
                BadDataFound = args => badField ??= args.Field,
            };
            if (options.Delimiter is not null)
            {
                configuration.Delimiter = options.Delimiter;
            }

            options.Configure?.Invoke(configuration);
            parser = new CsvParser(text, configuration);
        }

        public IReadOnlyList<string> Headers => headers;

        public async ValueTask ReadHeaderAsync(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await ReadAsync(0).ConfigureAwait(false))
            {
                headers = Array.ConvertAll(parser.Record!, h => h.Trim());
            }
        }

        public async IAsyncEnumerable<SourceRow> ReadRowsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            if (headers.Length == 0)
            {
                yield break;
            }

            long rowNumber = 0;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!await ReadAsync(rowNumber + 1).ConfigureAwait(false))
                {
                    yield break;
                }

                var cells = parser.Record!;
                if (IsBlank(cells))
                {
                    badField = null;
                    continue;
                }

                rowNumber++;
                var line = StartLine(cells);
                yield return new SourceRow(rowNumber, line, cells, FindProblem(cells, rowNumber, line));
                badField = null;
            }
        }

        public ValueTask DisposeAsync()
        {
            parser.Dispose();
            text.Dispose();
            return ValueTask.CompletedTask;
        }

        /// <summary>Reads a record, turning CsvHelper's fatal errors into one with the line and a fix.</summary>
        private async ValueTask<bool> ReadAsync(long rowNumber)
        {
            try
            {
                return await parser.ReadAsync().ConfigureAwait(false);
            }
            catch (MaxFieldSizeException e)
            {
                throw new ImportSourceException(
                    $"A value on line {parser.RawRow} is longer than the limit of {maxFieldLength:N0} characters. Check for a quote that is never closed, or raise CsvSourceOptions.MaxFieldLength.",
                    e)
                { LineNumber = parser.RawRow, RowNumber = rowNumber };
            }
            catch (CsvHelperException e)
            {
                throw new ImportSourceException($"The file could not be read as CSV near line {parser.RawRow}: {e.Message}", e)
                { LineNumber = parser.RawRow, RowNumber = rowNumber };
            }
        }

        private static bool IsBlank(string[] cells)
        {
            foreach (var cell in cells)
            {
                if (!string.IsNullOrWhiteSpace(cell))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>CsvHelper counts the line a record ends on; a record starts that many line breaks earlier.</summary>
        private long StartLine(string[] cells)
        {
            var breaks = 0;
            foreach (var cell in cells)
            {
                breaks += cell.AsSpan().Count('\n');
            }

            return parser.RawRow - breaks;
        }

        private RowError? FindProblem(string[] cells, long rowNumber, long line)
        {
            if (badField is { } field)
            {
                var quote = parser.Configuration.Quote;
                var unterminated = field.Length > 0 && field[0] == quote && (field.Length == 1 || field.TrimEnd()[^1] != quote);
                var index = unterminated ? cells.Length - 1 : Array.FindIndex(cells, c => c.Contains(quote, StringComparison.Ordinal));
                return new RowError(
                    RowErrorKind.Structure,
                    unterminated
                        ? "A quote that opens this value is never closed, so the rest of the file was read into it. Add the closing quote."
                        : "This value has a quote in the middle. Put the whole value in quotes and double the inner quote (\"\").",
                    rowNumber,
                    line,
                    ColumnName(Math.Max(index, 0)),
                    Math.Max(index, 0) < cells.Length ? cells[Math.Max(index, 0)] : field);
            }

            if (cells.Length != headers.Length)
            {
                return cells.Length < headers.Length
                    ? new RowError(
                        RowErrorKind.Structure,
                        $"This row has {cells.Length} values but the header has {headers.Length} columns, so '{headers[cells.Length]}' and any after it are missing. Check for a missing delimiter.",
                        rowNumber,
                        line,
                        headers[cells.Length])
                    : new RowError(
                        RowErrorKind.Structure,
                        $"This row has {cells.Length} values but the header has only {headers.Length} columns. A value probably contains the delimiter; put such values in quotes.",
                        rowNumber,
                        line,
                        ColumnName(headers.Length),
                        cells[headers.Length]);
            }

            if (invalidBytes.Count > 0)
            {
                var index = Array.FindIndex(cells, c => c.Contains('\uFFFD', StringComparison.Ordinal));
                if (index >= 0)
                {
                    return new RowError(
                        RowErrorKind.Structure,
                        "This value contains bytes that are not valid UTF-8 text. Save the file as 'CSV UTF-8', or set CsvSourceOptions.Encoding to the file's encoding.",
                        rowNumber,
                        line,
                        ColumnName(index),
                        cells[index]);
                }
            }

            return null;
        }

        private string ColumnName(int index) => index < headers.Length ? headers[index] : $"column {index + 1}";
    }
}
