using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using BulkData.Sinks;
using BulkData.Sources;
using BulkData.Validation;

namespace BulkData;

/// <summary>
/// Reads a JSON array of objects, or NDJSON, streaming with <see cref="Utf8JsonReader"/>: one record is
/// held at a time. The first record's property names are the header; a later record with a property the
/// first lacks is a row error, a missing property an empty cell. A nested object or array arrives as its
/// JSON text, so it imports into a string member (or a custom converter) when mapped and is ignored when not.
/// Every error carries its line and position.
/// </summary>
public sealed class JsonSource : IImportSource
{
    private readonly Func<Stream> open;
    private readonly bool ownsStream;
    private readonly JsonSourceOptions options;

    private JsonSource(Func<Stream> open, bool ownsStream, string? name, JsonSourceOptions? options)
    {
        this.open = open;
        this.ownsStream = ownsStream;
        this.options = options ?? new JsonSourceOptions();
        BulkDataConfigurationException.ThrowIfInvalid(this.options);
        Name = name;
    }

    /// <inheritdoc/>
    public string Format => "json";

    /// <summary>A JSON sink, in NDJSON when this source was told its file is NDJSON.</summary>
    /// <param name="output">The stream to write to.</param>
    /// <returns>The sink.</returns>
    public IExportSink CreateReportSink(Stream output) =>
        JsonSink.ToStream(output, options.Ndjson == true ? new JsonSinkOptions { Ndjson = true } : null);

    /// <inheritdoc/>
    public string? Name { get; }

    /// <summary>Reads a JSON or NDJSON file; it is opened afresh, and closed, on every read.</summary>
    /// <param name="path">The file's path.</param>
    /// <param name="options">Array or NDJSON; null to detect.</param>
    /// <returns>The source.</returns>
    public static JsonSource FromFile(string path, JsonSourceOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new JsonSource(SourceStreams.File(path), true, Path.GetFileName(path), options);
    }

    /// <summary>Reads JSON from a stream the caller owns; a seekable stream is rewound on each read, a forward-only one can be read once.</summary>
    /// <param name="stream">The stream; it is not disposed.</param>
    /// <param name="name">The file name recorded on the job.</param>
    /// <param name="options">Array or NDJSON; null to detect.</param>
    /// <returns>The source.</returns>
    public static JsonSource FromStream(Stream stream, string? name = null, JsonSourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new JsonSource(SourceStreams.Caller(stream), false, name, options);
    }

    /// <summary>Reads JSON held in a string.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="name">The label recorded on the job.</param>
    /// <param name="options">Array or NDJSON; null to detect.</param>
    /// <returns>The source.</returns>
    public static JsonSource FromText(string json, string? name = null, JsonSourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        return new JsonSource(SourceStreams.Text(json), true, name, options);
    }

    /// <inheritdoc/>
    public async ValueTask<IImportReader> OpenAsync(CancellationToken cancellationToken = default)
    {
        var reader = new RecordReader(open(), ownsStream, options);
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

    /// <summary>One record as read: its cells in header order with the first unknown property, or why it is not an object.</summary>
    private sealed record JsonRecord(long Line, string? NotAnObject)
    {
        /// <summary>The cells in header order, in the reader's reused buffer; null when it is not an object.</summary>
        public CharCells? Cells { get; init; }

        public KeyValuePair<string, string?>? Unknown { get; init; }

        /// <summary>The first field whose text escapes a surrogate that does not pair (<c>"\ud800"</c>), with its value as written.</summary>
        public KeyValuePair<string, string>? Unpaired { get; init; }
    }

    /// <summary>Streams records out of a byte buffer that grows only to the largest record.</summary>
    private sealed class RecordReader : IImportReader
    {
        private readonly Stream stream;
        private readonly bool ownsStream;
        private readonly JsonSourceOptions options;
        private byte[] buffer = ArrayPool<byte>.Shared.Rent(65_536);
        private int start;
        private int end;
        private bool endOfStream;
        private long line = 1;
        private long linePosition;
        private bool ndjson;
        private bool arrayStarted;
        private bool arrayEnded;
        private JsonReaderState state;
        private JsonReaderOptions readerOptions;
        private string[] headers = [];
        private byte[][] headerNames = [];
        private readonly CharCells cells = new();
        private JsonRecord? first;
        private long records;

        public RecordReader(Stream stream, bool ownsStream, JsonSourceOptions options)
        {
            this.stream = stream;
            this.ownsStream = ownsStream;
            this.options = options;
        }

        public IReadOnlyList<string> Headers => headers;

        public long? EstimatedRows => SourceStreams.EstimateRows(stream, records);

        public async ValueTask ReadHeaderAsync(CancellationToken cancellationToken)
        {
            await FillAsync(cancellationToken).ConfigureAwait(false);
            SkipBom();
            var firstByte = FirstSignificantByte();
            if (firstByte is null)
            {
                return;
            }

            ndjson = options.Ndjson ?? firstByte == (byte)'{';
            readerOptions = new JsonReaderOptions { AllowMultipleValues = ndjson, CommentHandling = JsonCommentHandling.Skip, MaxDepth = options.MaxDepth + 1 };
            state = new JsonReaderState(readerOptions);
            if (!ndjson && firstByte != (byte)'[')
            {
                throw Error($"The file holds {Describe(firstByte.Value)} where a list of records ([ ... ]) or one record per line was expected.", line, 1);
            }

            // Reading the first record sets the header from its field names.
            first = await NextRecordAsync(cancellationToken).ConfigureAwait(false);
            if (first is { NotAnObject: not null })
            {
                throw Error($"The first record is {first.NotAnObject}, not an object with named fields, so there is no header.", first.Line, 1);
            }
        }

        public async IAsyncEnumerable<SourceRow> ReadRowsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            long rowNumber = 0;
            var record = first;
            first = null;
            while (record is not null)
            {
                rowNumber++;
                records = rowNumber;
                yield return ToRow(record, rowNumber);
                record = await NextRecordAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public async ValueTask DisposeAsync()
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = [];
            if (ownsStream)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }

        private static string Describe(byte first) => first switch
        {
            (byte)'"' => "a text value",
            (byte)'t' or (byte)'f' => "a true/false value",
            (byte)'n' => "null",
            (byte)'{' => "an object",
            _ => "a number",
        };

        private SourceRow ToRow(JsonRecord record, long rowNumber)
        {
            if (record.NotAnObject is { } what)
            {
                return new SourceRow(rowNumber, record.Line, new string?[headers.Length], new RowError(RowErrorKind.Structure, $"This record is {what}, not an object with named fields.", rowNumber, record.Line));
            }

            var problem = record.Unknown is { } unknown
                ? new RowError(RowErrorKind.Structure, $"This record has a field '{unknown.Key}' that the first record does not have. Give every record the same fields (null where there is no value).", rowNumber, record.Line, unknown.Key, unknown.Value)
                : record.Unpaired is { } unpaired
                    ? new RowError(RowErrorKind.Conversion, $"The text of '{unpaired.Key}' holds an escaped character that is not a whole character (a \\uD800-\\uDFFF escape without its pair). Fix the text where it was written and upload the file again.", rowNumber, record.Line, unpaired.Key, unpaired.Value)
                    : null;
            return new SourceRow(rowNumber, record.Line, record.Cells!, problem);
        }

        private async Task<JsonRecord?> NextRecordAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (TryReadRecord(out var record, out var done))
                {
                    return record;
                }

                if (done)
                {
                    return null;
                }

                if (endOfStream)
                {
                    throw Error("The file ends in the middle of a record: it is cut short. Export it again, complete.", line, linePosition + 1);
                }

                await FillAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Reads the next record if the buffer holds all of it; otherwise asks for more bytes.</summary>
        private bool TryReadRecord(out JsonRecord? record, out bool done)
        {
            record = null;
            done = false;
            var data = buffer.AsSpan(start, end - start);
            var reader = new Utf8JsonReader(data, endOfStream, state);
            try
            {
                if (!ndjson && !arrayStarted)
                {
                    if (!reader.Read())
                    {
                        return false;
                    }

                    arrayStarted = true;
                    Consume(data, reader);
                    return TryReadRecord(out record, out done);
                }

                if (!reader.Read())
                {
                    done = endOfStream && (ndjson || arrayEnded);
                    return false;
                }

                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    arrayEnded = true;
                    Consume(data, reader);
                    done = true;
                    return false;
                }

                var tokenStart = (int)reader.TokenStartIndex;
                var recordLine = line + data[..tokenStart].Count((byte)'\n');
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
                {
                    return false;
                }

                var json = data[tokenStart..(int)reader.BytesConsumed];
                if (json.Length > options.MaxRecordBytes)
                {
                    throw RecordTooLarge(recordLine);
                }

                record = reader.TokenType != JsonTokenType.EndObject
                    ? new JsonRecord(recordLine, reader.TokenType == JsonTokenType.EndArray ? "a list" : Describe(data[tokenStart]))
                    : ReadCells(json, recordLine);
                Consume(data, reader);
                return true;
            }
            // Utf8JsonReader reports nesting past MaxDepth only in its message, not as a type of its own.
            catch (JsonException e) when (e.Message.Contains("maximum configured depth", StringComparison.Ordinal))
            {
                throw new ImportLimitExceededException($"{nameof(JsonSourceOptions)}.{nameof(JsonSourceOptions.MaxDepth)}", options.MaxDepth, $"Line {(e.LineNumber ?? 0) + 1}: a record nests objects and lists deeper than", "levels") { LineNumber = (e.LineNumber ?? 0) + 1 };
            }
            catch (JsonException e)
            {
                // The reader state carries line and position from the start of the stream, so they are absolute.
                throw Error($"The file is not valid JSON: {e.Message.Split(" LineNumber:")[0]}", (e.LineNumber ?? 0) + 1, (e.BytePositionInLine ?? 0) + 1, e);
            }
            catch (InvalidOperationException e) when (e.InnerException is DecoderFallbackException)
            {
                // Utf8JsonReader checks UTF-8 only when a string is read out of the record.
                throw Error("A record holds bytes that are not UTF-8 text. Save the file as UTF-8 and upload it again.", line, linePosition + 1, e);
            }
        }

        /// <summary>The first record's field names, in order: the header.</summary>
        private string[] ReadNames(ReadOnlySpan<byte> json)
        {
            var names = new List<string>();
            var reader = new Utf8JsonReader(json, readerOptions);
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                names.Add(TextOf(ref reader));
                reader.Read();
                reader.Skip();
            }

            return names.ToArray();
        }

        /// <summary>
        /// Reads a record into header order, matching property names as UTF-8 bytes (in header order first),
        /// so no string is made for a name. The first record sets the header.
        /// </summary>
        private JsonRecord ReadCells(ReadOnlySpan<byte> json, long line)
        {
            if (headerNames.Length == 0)
            {
                headers = ReadNames(json);
                headerNames = headers.Select(Encoding.UTF8.GetBytes).ToArray();
            }

            cells.Clear(headerNames.Length);
            KeyValuePair<string, string?>? unknown = null;
            KeyValuePair<string, string>? unpaired = null;
            var reader = new Utf8JsonReader(json, readerOptions);
            reader.Read();
            var expected = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var index = expected < headerNames.Length && NameIs(ref reader, headerNames[expected]) ? expected : -1;
                for (var i = 0; index < 0 && i < headerNames.Length; i++)
                {
                    index = NameIs(ref reader, headerNames[i]) ? i : -1;
                }

                var name = index < 0 ? TextOf(ref reader) : null;
                reader.Read();
                if (index < 0)
                {
                    unknown ??= new(name!, ReadValue(ref reader, json));
                    continue;
                }

                expected = index + 1;
                if (!TryCopyValue(ref reader, json, index))
                {
                    unpaired ??= new(headers[index], Encoding.UTF8.GetString(reader.ValueSpan));
                }
            }

            return new JsonRecord(line, null) { Cells = cells, Unknown = unknown, Unpaired = unpaired };
        }

        /// <summary>Whether a property is named <paramref name="name"/>; a name escaping a surrogate without its pair is no header's (it is kept as written).</summary>
        private static bool NameIs(ref Utf8JsonReader reader, byte[] name)
        {
            try
            {
                return reader.ValueTextEquals(name);
            }
            catch (InvalidOperationException e) when (e.InnerException is null)
            {
                return reader.ValueSpan.SequenceEqual(name);
            }
        }

        /// <summary>A string's text; when it escapes a surrogate that does not pair, the text as written (escapes kept).</summary>
        private static string TextOf(ref Utf8JsonReader reader)
        {
            try
            {
                return reader.GetString()!;
            }
            catch (InvalidOperationException e) when (e.InnerException is null)
            {
                return Encoding.UTF8.GetString(reader.ValueSpan);
            }
        }

        /// <summary>
        /// Writes a value's text straight into the cell buffer: strings unescaped, numbers as written, no string made.
        /// False, the cell left empty, for a string that escapes a surrogate without its pair: UTF-16 text cannot
        /// hold it (the reader's own <see cref="InvalidOperationException"/>; invalid UTF-8 carries a decoder's as its cause).
        /// </summary>
        private bool TryCopyValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, int index)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.Null:
                    return true;
                case JsonTokenType.String:
                    try
                    {
                        cells.Commit(index, reader.CopyString(cells.Reserve(reader.ValueSpan.Length)));
                        return true;
                    }
                    catch (InvalidOperationException e) when (e.InnerException is null)
                    {
                        return false;
                    }

                case JsonTokenType.Number:
                    cells.Commit(index, Encoding.UTF8.GetChars(reader.ValueSpan, cells.Reserve(reader.ValueSpan.Length)), isTyped: true);
                    return true;
                case JsonTokenType.True or JsonTokenType.False:
                    var flag = reader.TokenType == JsonTokenType.True ? "true" : "false";
                    flag.AsSpan().CopyTo(cells.Reserve(flag.Length));
                    cells.Commit(index, flag.Length, isTyped: true);
                    return true;
                default:
                    var from = (int)reader.TokenStartIndex;
                    reader.Skip();
                    var raw = json[from..(int)reader.BytesConsumed];
                    cells.Commit(index, Encoding.UTF8.GetChars(raw, cells.Reserve(raw.Length)));
                    return true;
            }
        }

        private static string? ReadValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> json) => reader.TokenType switch
        {
            JsonTokenType.String => TextOf(ref reader),
            JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            JsonTokenType.Null => null,
            _ => RawValue(ref reader, json),
        };

        private static string RawValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
        {
            var from = (int)reader.TokenStartIndex;
            reader.Skip();
            return Encoding.UTF8.GetString(json[from..(int)reader.BytesConsumed]);
        }

        private void Consume(ReadOnlySpan<byte> data, Utf8JsonReader reader)
        {
            var consumed = data[..(int)reader.BytesConsumed];
            var lastBreak = consumed.LastIndexOf((byte)'\n');
            line += consumed.Count((byte)'\n');
            linePosition = lastBreak >= 0 ? consumed.Length - lastBreak - 1 : linePosition + consumed.Length;
            start += consumed.Length;
            state = reader.CurrentState;
        }

        private async Task FillAsync(CancellationToken cancellationToken)
        {
            if (start > 0)
            {
                buffer.AsSpan(start, end - start).CopyTo(buffer);
                end -= start;
                start = 0;
            }

            if (end == buffer.Length)
            {
                if (buffer.Length >= options.MaxRecordBytes)
                {
                    throw RecordTooLarge(line);
                }

                var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, options.MaxRecordBytes));
                buffer.AsSpan(0, end).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }

            var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
            end += read;
            endOfStream = read == 0;
        }

        private void SkipBom()
        {
            if (buffer.AsSpan(start, end - start).StartsWith(Encoding.UTF8.Preamble))
            {
                start += Encoding.UTF8.Preamble.Length;
            }
        }

        private byte? FirstSignificantByte()
        {
            foreach (var b in buffer.AsSpan(start, end - start))
            {
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
                {
                    return b;
                }
            }

            return null;
        }

        private ImportLimitExceededException RecordTooLarge(long recordLine) =>
            new($"{nameof(JsonSourceOptions)}.{nameof(JsonSourceOptions.MaxRecordBytes)}", options.MaxRecordBytes, $"Line {recordLine}: a record (or a missing closing bracket) takes more than", "bytes") { LineNumber = recordLine };

        private static ImportSourceException Error(string message, long line, long position, Exception? inner = null) =>
            new($"Line {line}, position {position}: {message}", inner) { LineNumber = line };
    }
}
