using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;
using BulkData.Sinks;
using BulkData.Sources;
using BulkData.Validation;
using CsvHelper;

namespace BulkData;

/// <summary>
/// Reads CSV and TSV files with CsvHelper, streaming: quoted fields with delimiters, quotes and
/// line breaks, delimiter and encoding detection, blank lines skipped, and every broken row
/// reported with its line instead of stopping the import. CsvHelper was chosen by measurement over Sep and the
/// span parser this project used to keep (docs/benchmarks.md, "One CSV parser").
/// </summary>
public sealed class CsvSource : IImportSource, IHeaderSearch
{
    private readonly Func<Stream> open;
    private readonly bool ownsStream;
    private readonly CsvSourceOptions options;

    private CsvSource(Func<Stream> open, bool ownsStream, string? name, CsvSourceOptions? options)
    {
        this.open = open;
        this.ownsStream = ownsStream;
        this.options = options ?? new CsvSourceOptions();
        BulkDataConfigurationException.ThrowIfInvalid(this.options);
        Name = name;
    }

    /// <inheritdoc/>
    public string Format => "csv";

    /// <summary>A CSV sink, with this source's delimiter when one was set.</summary>
    /// <param name="output">The stream to write to.</param>
    /// <returns>The sink.</returns>
    public IExportSink CreateReportSink(Stream output) =>
        CsvSink.ToStream(output, options.Delimiter is { } delimiter ? new CsvSinkOptions { Delimiter = delimiter } : null);

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

    Task<IReadOnlyList<(string? Sheet, IImportSource Source)>> IHeaderSearch.HeaderReadingsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<(string? Sheet, IImportSource Source)>>([(null, new CsvSource(open, ownsStream, Name, options.FindingHeader()))]);

    /// <inheritdoc/>
    public async ValueTask<IImportReader> OpenAsync(CancellationToken cancellationToken = default)
    {
        var stream = open();
        try
        {
            var encoding = options.Encoding ?? await DetectUnmarkedUtf16Async(stream, cancellationToken).ConfigureAwait(false);
            var reader = new CsvRows(stream, ownsStream, encoding, options);
            try
            {
                await reader.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await reader.DisposeAsync().ConfigureAwait(false);
                throw;
            }

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
    /// UTF-16 without a byte order mark shows as zero bytes in every other position; anything else is left to
    /// CsvHelper (byte order marks honoured, UTF-8 otherwise).
    /// </summary>
    private static async ValueTask<Encoding?> DetectUnmarkedUtf16Async(Stream stream, CancellationToken cancellationToken)
    {
        if (!stream.CanSeek)
        {
            return null;
        }

        var start = new byte[4];
        var read = await stream.ReadAtLeastAsync(start, 4, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        stream.Position -= read;
        return read switch
        {
            >= 4 when start[0] != 0 && start[1] == 0 && start[2] != 0 && start[3] == 0 => Encoding.Unicode,
            >= 4 when start[0] == 0 && start[1] != 0 && start[2] == 0 && start[3] != 0 => Encoding.BigEndianUnicode,
            _ => null,
        };
    }

    /// <summary>
    /// Reads records with CsvHelper and checks each: blank rows skipped, then a broken quote, a wrong number of
    /// values or invalid UTF-8 reported as the row's problem instead of stopping the import.
    /// </summary>
    private sealed class CsvRows : IImportReader, IHeaderRowChoice
    {
        private const byte Quote = (byte)'"';
        private readonly Stream stream;
        private readonly bool ownsStream;
        private readonly CsvSourceOptions options;
        private readonly Encoding? encoding;
        private readonly long origin;
        private readonly List<(long Line, IReadOnlyList<string> Cells)> candidates = [];
        private CsvReader reader;
        private Utf8Cells cells;

        // The line of a header chosen among the candidates, read again (and skipped) before the first row.
        private long? chosenLine;
        private CsvMalformedReason? malformed;
        private string[] headers = [];
        private bool firstRowIsData;
        private long rowsRead;

        public CsvRows(Stream stream, bool ownsStream, Encoding? encoding, CsvSourceOptions options)
        {
            // Finding the header reads the file's start twice: a forward-only stream keeps that start to give it again.
            this.stream = options.HasHeaderRow && options.HeaderRow == CsvSourceOptions.FindHeaderRow && !stream.CanSeek ? new ReplayedStream(stream) : stream;
            this.ownsStream = ownsStream;
            this.options = options;
            this.encoding = encoding;
            origin = stream.CanSeek ? stream.Position : 0;
            (reader, cells) = Open();
        }

        private (CsvReader Reader, Utf8Cells Cells) Open()
        {
            var reader = CsvReader.Create(
                stream,
                new CsvReaderOptions
                {
                    Separator = options.Delimiter,
                    HasHeader = false,
                    Encoding = encoding,
                    CommentPrefix = options.Comment,
                    TrackLineNumbers = true,

                    // Bytes bound the buffer against a quote never closed; a UTF-8 character takes at most four.
                    MaxRecordSize = (int)Math.Min(int.MaxValue, 4L * options.MaxFieldLength),
                    OnMalformedRecord = record => malformed ??= record.Reason,
                },
                leaveOpen: true);
            return (reader, new Utf8Cells(reader));
        }

        public IReadOnlyList<(long Line, IReadOnlyList<string> Cells)> HeaderCandidates => candidates;

        public void UseHeaderRow(int candidate)
        {
            headers = [.. candidates[candidate].Cells];
            chosenLine = candidates[candidate].Line;
        }

        public IReadOnlyList<string> Headers => headers;

        public bool HasHeaderRow => options.HasHeaderRow;

        public long? EstimatedRows => SourceStreams.EstimateRows(stream, rowsRead);

        /// <summary>Reads the header (or, without one, counts the columns from the first row).</summary>
        public async ValueTask StartAsync(CancellationToken cancellationToken)
        {
            if (options.HasHeaderRow && options.HeaderRow == CsvSourceOptions.FindHeaderRow)
            {
                await FindHeaderCandidatesAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            // The records that end above a stated header line (or first data line) are a title and notes: skipped.
            do
            {
                if (!await NextAsync(options.HasHeaderRow ? 0 : 1, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
            while (reader.LineNumber < options.HeaderRow);

            // Without a header row, the columns are named by position and the first record is the first row.
            headers = options.HasHeaderRow
                ? cells.Select(h => h?.Trim() ?? string.Empty).ToArray()
                : Enumerable.Range(1, cells.Count).Select(i => $"Column {i}").ToArray();
            firstRowIsData = !options.HasHeaderRow;
        }

        /// <summary>
        /// Reads the first records that are not blank as the header's candidates, then reads the file again from its
        /// start, so that the rows below the header the import chooses are read (and checked) as any other rows.
        /// </summary>
        private async ValueTask FindHeaderCandidatesAsync(CancellationToken cancellationToken)
        {
            while (candidates.Count < XlsxSourceOptions.HeaderRowCandidates && await NextAsync(0, cancellationToken).ConfigureAwait(false))
            {
                candidates.Add((reader.LineNumber, cells.Select(h => h?.Trim() ?? string.Empty).ToArray()));
            }

            await reader.DisposeAsync().ConfigureAwait(false);
            if (stream is ReplayedStream replayed)
            {
                replayed.Replay();
            }
            else
            {
                stream.Position = origin;
            }

            (reader, cells) = Open();
            if (candidates.Count > 0)
            {
                UseHeaderRow(0);
            }
        }

        public async IAsyncEnumerable<SourceRow> ReadRowsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            if (headers.Length == 0)
            {
                yield break;
            }

            if (chosenLine is { } line)
            {
                // The second reading passes the lines above the chosen header, and the header itself.
                chosenLine = null;
                do
                {
                    if (!await NextAsync(0, cancellationToken).ConfigureAwait(false))
                    {
                        yield break;
                    }
                }
                while (reader.LineNumber < line);
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
                rowNumber++;
                rowsRead = rowNumber;
                yield return new SourceRow(rowNumber, reader.LineNumber, cells, FindProblem(rowNumber));
            }
        }

        public async ValueTask DisposeAsync()
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            if (ownsStream)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }

        /// <summary>Reads the next record that is not blank; <paramref name="rowNumber"/> locates errors.</summary>
        private async ValueTask<bool> NextAsync(long rowNumber, CancellationToken cancellationToken)
        {
            do
            {
                malformed = null;
                try
                {
                    if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        return false;
                    }
                }
                catch (CsvFormatException e)
                {
                    throw new ImportSourceException(
                        $"A value on line {e.LineNumber} is longer than the limit of {options.MaxFieldLength:N0} characters. Check for a quote that is never closed, or raise CsvSourceOptions.MaxFieldLength.",
                        e)
                    { LineNumber = e.LineNumber, RowNumber = rowNumber };
                }

                cells.Reset();
                for (var index = 0; reader.RawRecord.Length > options.MaxFieldLength && index < cells.Count; index++)
                {
                    if (cells.GetSpan(index).Length > options.MaxFieldLength)
                    {
                        throw new ImportSourceException(
                            $"A value on line {reader.LineNumber} is longer than the limit of {options.MaxFieldLength:N0} characters. Check for a quote that is never closed, or raise CsvSourceOptions.MaxFieldLength.")
                        { LineNumber = reader.LineNumber, RowNumber = rowNumber };
                    }
                }
            }
            while (IsBlank());

            return true;
        }

        /// <summary>True when every cell is empty or white space: a row to skip, not a row of empty values.</summary>
        private bool IsBlank()
        {
            for (var index = 0; index < cells.Count; index++)
            {
                if (!cells.GetSpan(index).IsWhiteSpace())
                {
                    return false;
                }
            }

            return true;
        }

        private RowError? FindProblem(long rowNumber)
        {
            var line = reader.LineNumber;
            if (malformed is { } reason && reason != CsvMalformedReason.FieldCountMismatch)
            {
                var unterminated = reason == CsvMalformedReason.UnterminatedQuote;
                var bad = unterminated ? cells.Count - 1 : BadlyQuotedField();
                return new RowError(
                    RowErrorKind.Structure,
                    unterminated
                        ? "A quote that opens this value is never closed, so the rest of the file was read into it. Add the closing quote."
                        : "This value has a quote in the middle. Put the whole value in quotes and double the inner quote (\"\").",
                    rowNumber,
                    line,
                    ColumnName(bad),
                    cells[bad]);
            }

            var count = cells.Count;
            if (count != headers.Length)
            {
                return count < headers.Length
                    ? new RowError(
                        RowErrorKind.Structure,
                        $"This row has {count} values but the header has {headers.Length} columns, so '{headers[count]}' and any after it are missing. Check for a missing delimiter.",
                        rowNumber,
                        line,
                        headers[count])
                    : new RowError(
                        RowErrorKind.Structure,
                        $"This row has {count} values but the header has only {headers.Length} columns. A value probably contains the delimiter; put such values in quotes.",
                        rowNumber,
                        line,
                        ColumnName(headers.Length),
                        cells[headers.Length]);
            }

            if (!Utf8.IsValid(reader.RawRecord))
            {
                for (var index = 0; index < count; index++)
                {
                    if (!Utf8.IsValid(reader.GetRawSpan(index)))
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
            }

            return null;
        }

        /// <summary>The first field with a quote that does not wrap the whole value (with inner quotes doubled).</summary>
        private int BadlyQuotedField()
        {
            for (var index = 0; index < cells.Count; index++)
            {
                var raw = reader.GetRawSpan(index).Trim((byte)' ');
                if (raw.IndexOf(Quote) >= 0 && !(raw.Length >= 2 && raw[0] == Quote && raw[^1] == Quote && QuotesDoubled(raw[1..^1])))
                {
                    return index;
                }
            }

            return 0;
        }

        private static bool QuotesDoubled(ReadOnlySpan<byte> inner)
        {
            for (var i = inner.IndexOf(Quote); i >= 0; i = inner.IndexOf(Quote))
            {
                if (i + 1 == inner.Length || inner[i + 1] != Quote)
                {
                    return false;
                }

                inner = inner[(i + 2)..];
            }

            return true;
        }

        private string ColumnName(int index) => index < headers.Length ? headers[index] : $"column {index + 1}";
    }
}

/// <summary>
/// The current record of a CsvHelper reader as cells: each field's UTF-8 bytes decoded once into one reused
/// buffer when first read, its string made only when asked for; valid until the next read.
/// </summary>
internal sealed class Utf8Cells(CsvReader reader) : FieldCells
{
    private char[] text = new char[1_024];
    private int[] start = new int[16];
    private int[] length = new int[16];
    private int count;
    private int used;

    public override int Count => count;

    public override ReadOnlySpan<char> GetSpan(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
        if (length[index] < 0)
        {
            var bytes = reader.GetSpan(index);

            // UTF-8 never takes fewer bytes than UTF-16 takes chars, so the byte count bounds the chars.
            if (used + bytes.Length > text.Length)
            {
                Array.Resize(ref text, Math.Max(text.Length * 2, used + bytes.Length));
            }

            start[index] = used;
            Utf8.ToUtf16(bytes, text.AsSpan(used), out _, out length[index]);
            used += length[index];
        }

        return text.AsSpan(start[index], length[index]);
    }

    /// <summary>Starts on the record just read.</summary>
    public void Reset()
    {
        count = reader.FieldCount;
        if (start.Length < count)
        {
            start = new int[count * 2];
            length = new int[count * 2];
        }

        ResetStrings(count);
        length.AsSpan(0, count).Fill(-1);
        used = 0;
    }
}
