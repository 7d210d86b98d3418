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
            var encoding = options.Encoding ?? await DetectEncodingAsync(stream, invalidBytes, cancellationToken).ConfigureAwait(false);
            var text = new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: options.Encoding is null, bufferSize: 65_536, leaveOpen: !ownsStream);
            CsvRows reader = options.Configure is null && options.Delimiter is null or { Length: 1 }
                ? new SpanRows(text, options, invalidBytes)
                : new CsvHelperRows(text, options, invalidBytes);
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

    /// <summary>
    /// UTF-16 without a byte order mark shows as zero bytes in every other position. The UTF-8 encoding
    /// names its byte order mark as its preamble, so the reader skips a BOM and keeps this encoding (and its
    /// invalid-byte counter) rather than switching to a stock UTF-8 decoder that replaces bad bytes silently.
    /// </summary>
    private static async ValueTask<Encoding> DetectEncodingAsync(Stream stream, InvalidByteCounter invalidBytes, CancellationToken cancellationToken)
    {
        var utf8 = (Encoding)new UTF8Encoding(encoderShouldEmitUTF8Identifier: true).Clone();
        utf8.DecoderFallback = invalidBytes;
        if (!stream.CanSeek)
        {
            return utf8;
        }

        var start = new byte[4];
        var read = await stream.ReadAtLeastAsync(start, 4, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// The row loop and row checks shared by both parsers: blank rows skipped, then a broken quote, a wrong
    /// number of values or invalid UTF-8 reported as the row's problem.
    /// </summary>
    private abstract class CsvRows(TextReader text, InvalidByteCounter invalidBytes, bool hasHeaderRow) : IImportReader
    {
        private string[] headers = [];
        private bool firstRowIsData;
        private long rowsRead;

        public IReadOnlyList<string> Headers => headers;

        public bool HasHeaderRow => hasHeaderRow;

        public long? EstimatedRows => text is StreamReader reader ? SourceStreams.EstimateRows(reader.BaseStream, rowsRead) : null;

        /// <summary>The current record's cells, valid until the next read.</summary>
        protected abstract IReadOnlyList<string?> Cells { get; }

        /// <summary>The line the current record starts on.</summary>
        protected abstract long Line { get; }

        /// <summary>The cell with a stray or unclosed quote (-1 for none), and whether it is unclosed.</summary>
        protected abstract (int Cell, bool Unterminated) BadQuote { get; }

        public async ValueTask ReadHeaderAsync(CancellationToken cancellationToken)
        {
            if (!await NextAsync(hasHeaderRow ? 0 : 1, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            // Without a header row, the columns are named by position and the first record is the first row.
            headers = hasHeaderRow
                ? Cells.Select(h => h?.Trim() ?? string.Empty).ToArray()
                : Enumerable.Range(1, Cells.Count).Select(i => $"Column {i}").ToArray();
            firstRowIsData = !hasHeaderRow;
        }

        public async IAsyncEnumerable<SourceRow> ReadRowsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            if (headers.Length == 0)
            {
                yield break;
            }

            long rowNumber = 0;
            var current = firstRowIsData;
            firstRowIsData = false;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!current && !await NextAsync(rowNumber + 1, cancellationToken).ConfigureAwait(false))
                {
                    yield break;
                }

                current = false;
                if (IsBlank())
                {
                    continue;
                }

                rowNumber++;
                rowsRead = rowNumber;
                yield return new SourceRow(rowNumber, Line, Cells, FindProblem(rowNumber));
            }
        }

        public virtual ValueTask DisposeAsync()
        {
            text.Dispose();
            return ValueTask.CompletedTask;
        }

        /// <summary>Reads the next record; <paramref name="rowNumber"/> locates errors.</summary>
        protected abstract ValueTask<bool> NextAsync(long rowNumber, CancellationToken cancellationToken);

        /// <summary>True when every cell is empty or white space: a row to skip, not a row of empty values.</summary>
        protected abstract bool IsBlank();

        /// <summary>True when the cell holds the U+FFFD that the decoder wrote for invalid bytes.</summary>
        protected abstract bool HasReplacementCharacter(int cell);

        private RowError? FindProblem(long rowNumber)
        {
            var cells = Cells;
            var (bad, unterminated) = BadQuote;
            if (bad >= 0)
            {
                return new RowError(
                    RowErrorKind.Structure,
                    unterminated
                        ? "A quote that opens this value is never closed, so the rest of the file was read into it. Add the closing quote."
                        : "This value has a quote in the middle. Put the whole value in quotes and double the inner quote (\"\").",
                    rowNumber,
                    Line,
                    ColumnName(bad),
                    cells[bad]);
            }

            if (cells.Count != headers.Length)
            {
                return cells.Count < headers.Length
                    ? new RowError(
                        RowErrorKind.Structure,
                        $"This row has {cells.Count} values but the header has {headers.Length} columns, so '{headers[cells.Count]}' and any after it are missing. Check for a missing delimiter.",
                        rowNumber,
                        Line,
                        headers[cells.Count])
                    : new RowError(
                        RowErrorKind.Structure,
                        $"This row has {cells.Count} values but the header has only {headers.Length} columns. A value probably contains the delimiter; put such values in quotes.",
                        rowNumber,
                        Line,
                        ColumnName(headers.Length),
                        cells[headers.Length]);
            }

            if (invalidBytes.Count > 0)
            {
                for (var index = 0; index < cells.Count; index++)
                {
                    if (HasReplacementCharacter(index))
                    {
                        return new RowError(
                            RowErrorKind.Structure,
                            "This value contains bytes that are not valid UTF-8 text. Save the file as 'CSV UTF-8', or set CsvSourceOptions.Encoding to the file's encoding.",
                            rowNumber,
                            Line,
                            ColumnName(index),
                            cells[index]);
                    }
                }
            }

            return null;
        }

        private string ColumnName(int index) => index < headers.Length ? headers[index] : $"column {index + 1}";
    }

    /// <summary>Reads with CsvHelper's parser: used when the caller adjusts CsvHelper's dialect settings.</summary>
    private sealed class CsvHelperRows : CsvRows
    {
        private readonly CsvParser parser;
        private readonly int maxFieldLength;
        private string? badField;
        private string[] record = [];

        public CsvHelperRows(TextReader text, CsvSourceOptions options, InvalidByteCounter invalidBytes)
            : base(text, invalidBytes, options.HasHeaderRow)
        {
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

        protected override IReadOnlyList<string?> Cells => record;

        /// <summary>CsvHelper counts the line a record ends on; a record starts that many line breaks earlier.</summary>
        protected override long Line => parser.RawRow - record.Sum(cell => CsvSpanParser.Breaks(cell));

        protected override (int Cell, bool Unterminated) BadQuote
        {
            get
            {
                if (badField is not { } bad)
                {
                    return (-1, false);
                }

                var quote = parser.Configuration.Quote;
                var unterminated = bad.Length > 0 && bad[0] == quote && (bad.Length == 1 || bad.TrimEnd()[^1] != quote);
                var index = unterminated ? record.Length - 1 : Array.FindIndex(record, c => c.Contains(quote, StringComparison.Ordinal));
                return (Math.Max(index, 0), unterminated);
            }
        }

        public override ValueTask DisposeAsync()
        {
            parser.Dispose();
            return base.DisposeAsync();
        }

        /// <summary>Reads a record, turning CsvHelper's fatal errors into one with the line and a fix.</summary>
        protected override async ValueTask<bool> NextAsync(long rowNumber, CancellationToken cancellationToken)
        {
            badField = null;
            try
            {
                if (!await parser.ReadAsync().ConfigureAwait(false))
                {
                    return false;
                }

                record = parser.Record!;
                return true;
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

        protected override bool IsBlank() => Array.TrueForAll(record, string.IsNullOrWhiteSpace);

        protected override bool HasReplacementCharacter(int cell) => record[cell].Contains('\uFFFD', StringComparison.Ordinal);
    }

    /// <summary>Reads with <see cref="CsvSpanParser"/>: cells reach converters as spans, strings are made only when asked for.</summary>
    private sealed class SpanRows : CsvRows
    {
        private readonly CsvSpanParser parser;
        private readonly SpanCells cells;
        private readonly bool detect;

        public SpanRows(TextReader text, CsvSourceOptions options, InvalidByteCounter invalidBytes)
            : base(text, invalidBytes, options.HasHeaderRow)
        {
            parser = new CsvSpanParser(text, options.MaxFieldLength);
            cells = new SpanCells(parser);
            detect = options.Delimiter is null;
            if (options.Delimiter is { } delimiter)
            {
                parser.Delimiter = delimiter[0];
            }
        }

        protected override IReadOnlyList<string?> Cells => cells;

        protected override long Line => parser.RecordLine;

        protected override (int Cell, bool Unterminated) BadQuote => (parser.BadQuoteField, parser.Unterminated);

        protected override async ValueTask<bool> NextAsync(long rowNumber, CancellationToken cancellationToken)
        {
            if (rowNumber == 0 && detect)
            {
                await parser.DetectDelimiterAsync(cancellationToken).ConfigureAwait(false);
            }

            try
            {
                var read = await parser.ReadAsync(cancellationToken).ConfigureAwait(false);
                cells.Reset();
                return read;
            }
            catch (ImportSourceException e) when (e.RowNumber is null)
            {
                throw new ImportSourceException(e.Message) { LineNumber = e.LineNumber, RowNumber = rowNumber };
            }
        }

        protected override bool IsBlank()
        {
            for (var i = 0; i < parser.Count; i++)
            {
                if (!parser[i].IsWhiteSpace())
                {
                    return false;
                }
            }

            return true;
        }

        protected override bool HasReplacementCharacter(int cell) => parser[cell].Contains('\uFFFD');
    }
}

/// <summary>The current record of a <see cref="CsvSpanParser"/> as cells, making each cell's string only when it is read.</summary>
internal sealed class SpanCells(CsvSpanParser parser) : FieldCells
{
    public override int Count => parser.Count;

    public override ReadOnlySpan<char> GetSpan(int index) => parser[index];

    /// <summary>Forgets the strings of the previous record.</summary>
    public void Reset() => ResetStrings(parser.Count);
}
