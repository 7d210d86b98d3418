using System.Text;
using BulkData.Mapping;
using BulkData.Sinks;
using CsvHelper;

namespace BulkData;

/// <summary>
/// Writes CSV with CsvHelper, streaming: each value is formatted by its column's converter and format, quoted
/// when it needs to be, and the output is written asynchronously as CsvHelper's buffer fills.
/// </summary>
public sealed class CsvSink : IExportSink
{
    private readonly Stream stream;
    private readonly bool ownsStream;
    private readonly CsvSinkOptions options;
    private readonly CsvWriter writer;
    private readonly char[] buffer = new char[128];

    private CsvSink(Stream stream, bool ownsStream, CsvSinkOptions? options)
    {
        this.stream = stream;
        this.ownsStream = ownsStream;
        this.options = options ?? new CsvSinkOptions();
        var csvOptions = new CsvWriterOptions { Separator = this.options.Delimiter };

        // CsvHelper writes UTF-8 to a stream itself; any other encoding goes through a text writer that encodes.
        writer = this.options.Encoding is UTF8Encoding utf8
            ? CsvWriter.Create(stream, csvOptions with { WriteByteOrderMark = utf8.Preamble.Length > 0 }, leaveOpen: true)
            : CsvWriter.Create(new StreamWriter(stream, this.options.Encoding, 65_536, leaveOpen: true), csvOptions, leaveOpen: false);
    }

    /// <inheritdoc/>
    public string Format => "csv";

    /// <summary>Writes to a stream the caller owns; it is flushed, not closed.</summary>
    /// <param name="stream">The output.</param>
    /// <param name="options">Dialect options; null for the defaults.</param>
    /// <returns>The sink.</returns>
    public static CsvSink ToStream(Stream stream, CsvSinkOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new CsvSink(stream, ownsStream: false, options);
    }

    /// <summary>Writes to a file, replacing it.</summary>
    /// <param name="path">The file's path.</param>
    /// <param name="options">Dialect options; null for the defaults.</param>
    /// <returns>The sink.</returns>
    public static CsvSink ToFile(string path, CsvSinkOptions? options = null)
    {
        return new CsvSink(SinkStreams.File(path), ownsStream: true, options);
    }

    /// <inheritdoc/>
    public ValueTask BeginAsync(IReadOnlyList<string> headers, CancellationToken cancellationToken = default)
    {
        foreach (var header in headers)
        {
            writer.WriteField(header.AsSpan());
        }

        return writer.EndRecordAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public void WriteCell<TValue>(TValue value, ValueConverter<TValue> converter, ValueFormat format)
    {
        if (typeof(TValue) == typeof(string) || typeof(TValue) == typeof(char))
        {
            var text = converter.Format(value, format);
            writer.WriteField((options.NeutralizeFormulas && text is not null ? FormulaGuard.Neutralize(text) : text).AsSpan());
        }
        else if (converter.TryFormat(value, buffer, out var written, format))
        {
            // Numbers, dates, GUIDs and the like are formatted into a reused buffer: no string per cell.
            writer.WriteField(buffer.AsSpan(0, written));
        }
        else
        {
            writer.WriteField(converter.Format(value, format).AsSpan());
        }
    }

    /// <inheritdoc/>
    public void WriteEmptyCell() => writer.WriteField(ReadOnlySpan<char>.Empty);

    /// <inheritdoc/>
    public ValueTask EndRowAsync(CancellationToken cancellationToken = default) => writer.EndRecordAsync(cancellationToken);

    /// <inheritdoc/>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await writer.DisposeAsync().ConfigureAwait(false);
        if (ownsStream)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }
}
