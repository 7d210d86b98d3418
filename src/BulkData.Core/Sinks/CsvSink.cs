using System.Globalization;
using System.Text;
using BulkData.Mapping;
using CsvHelper;
using CsvHelper.Configuration;

namespace BulkData.Sinks;

/// <summary>How a CSV file is written.</summary>
public sealed class CsvSinkOptions
{
    /// <summary>The delimiter. Default: comma.</summary>
    public string Delimiter { get; set; } = ",";

    /// <summary>The encoding. Default: UTF-8 with a byte order mark, so Excel shows accented letters correctly.</summary>
    public Encoding Encoding { get; set; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);

    /// <summary>
    /// Prefixes text starting with = + - @ tab or carriage return with an apostrophe so that spreadsheets
    /// do not run it as a formula. Default: true. Numbers and dates are never changed.
    /// </summary>
    public bool NeutralizeFormulas { get; set; } = true;

    /// <summary>Adjusts CsvHelper's writer settings (quoting, line endings) after BulkData's defaults. Default: null.</summary>
    public Action<CsvConfiguration>? Configure { get; set; }
}

/// <summary>Writes CSV with CsvHelper, streaming: each value is formatted by its column's converter and format.</summary>
public sealed class CsvSink : IExportSink
{
    private readonly Stream stream;
    private readonly bool ownsStream;
    private readonly CsvSinkOptions options;
    private readonly CsvWriter writer;

    private CsvSink(Stream stream, bool ownsStream, CsvSinkOptions? options)
    {
        this.stream = stream;
        this.ownsStream = ownsStream;
        this.options = options ?? new CsvSinkOptions();
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture) { Delimiter = this.options.Delimiter };
        this.options.Configure?.Invoke(configuration);
        writer = new CsvWriter(new StreamWriter(stream, this.options.Encoding, 65_536, leaveOpen: true), configuration);
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
            writer.WriteField(header);
        }

        writer.NextRecord();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public void WriteCell<TValue>(TValue value, ValueConverter<TValue> converter, ValueFormat format)
    {
        var text = converter.Format(value, format);
        writer.WriteField(options.NeutralizeFormulas && text is not null && (typeof(TValue) == typeof(string) || typeof(TValue) == typeof(char)) ? FormulaGuard.Neutralize(text) : text);
    }

    /// <inheritdoc/>
    public void WriteEmptyCell() => writer.WriteField(string.Empty);

    /// <inheritdoc/>
    public ValueTask EndRowAsync(CancellationToken cancellationToken = default)
    {
        writer.NextRecord();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        await writer.FlushAsync().ConfigureAwait(false);
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
