using System.Text.Encodings.Web;
using System.Text.Json;
using BulkData.Mapping;
using BulkData.Sinks;

namespace BulkData;

/// <summary>
/// Writes a JSON array of objects, or NDJSON, with <see cref="Utf8JsonWriter"/>: numbers and booleans as
/// JSON numbers and booleans, everything else as the column's text (ISO 8601 for dates), empty cells as null.
/// </summary>
public sealed class JsonSink : IExportSink
{
    private const int FlushThreshold = 65_536;
    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private readonly Stream stream;
    private readonly bool ownsStream;
    private readonly JsonSinkOptions options;
    private readonly Utf8JsonWriter writer;
    private readonly char[] text = new char[256];
    private JsonEncodedText[] names = [];
    private int column;

    private JsonSink(Stream stream, bool ownsStream, JsonSinkOptions? options)
    {
        this.stream = stream;
        this.ownsStream = ownsStream;
        this.options = options ?? new JsonSinkOptions();
        writer = new Utf8JsonWriter(stream, new JsonWriterOptions
        {
            Indented = this.options.Indented && !this.options.Ndjson,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
    }

    /// <inheritdoc/>
    public string Format => options.Ndjson ? "ndjson" : "json";

    /// <summary>Writes to a stream the caller owns; it is flushed, not closed.</summary>
    /// <param name="stream">The output.</param>
    /// <param name="options">Array or NDJSON; null for an array.</param>
    /// <returns>The sink.</returns>
    public static JsonSink ToStream(Stream stream, JsonSinkOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new JsonSink(stream, ownsStream: false, options);
    }

    /// <summary>Writes to a file, replacing it.</summary>
    /// <param name="path">The file's path.</param>
    /// <param name="options">Array or NDJSON; null for an array.</param>
    /// <returns>The sink.</returns>
    public static JsonSink ToFile(string path, JsonSinkOptions? options = null)
    {
        return new JsonSink(SinkStreams.File(path), ownsStream: true, options);
    }

    /// <inheritdoc/>
    public ValueTask BeginAsync(IReadOnlyList<string> headers, CancellationToken cancellationToken = default)
    {
        names = headers.Select(h => JsonEncodedText.Encode(h, JavaScriptEncoder.UnsafeRelaxedJsonEscaping)).ToArray();
        if (!options.Ndjson)
        {
            writer.WriteStartArray();
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public void WriteCell<TValue>(TValue value, ValueConverter<TValue> converter, ValueFormat format)
    {
        var name = NextName();
        switch (value)
        {
            case bool flag:
                writer.WriteBoolean(name, flag);
                break;
            case int number:
                writer.WriteNumber(name, number);
                break;
            case long number:
                writer.WriteNumber(name, number);
                break;
            case short number:
                writer.WriteNumber(name, number);
                break;
            case byte number:
                writer.WriteNumber(name, number);
                break;
            case sbyte number:
                writer.WriteNumber(name, number);
                break;
            case ushort number:
                writer.WriteNumber(name, number);
                break;
            case uint number:
                writer.WriteNumber(name, number);
                break;
            case ulong number:
                writer.WriteNumber(name, number);
                break;
            case decimal number:
                writer.WriteNumber(name, number);
                break;
            case double real when double.IsFinite(real):
                writer.WriteNumber(name, real);
                break;
            case float real when float.IsFinite(real):
                writer.WriteNumber(name, real);
                break;
            default:
                // Dates, GUIDs and the like are formatted into a reused buffer: no string per cell.
                if (converter.TryFormat(value, text, out var written, format))
                {
                    writer.WriteString(name, text.AsSpan(0, written));
                }
                else
                {
                    writer.WriteString(name, converter.Format(value, format));
                }

                break;
        }
    }

    /// <inheritdoc/>
    public void WriteEmptyCell() => writer.WriteNull(NextName());

    /// <inheritdoc/>
    public async ValueTask EndRowAsync(CancellationToken cancellationToken = default)
    {
        writer.WriteEndObject();
        column = 0;
        if (options.Ndjson)
        {
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            writer.Reset();
            await stream.WriteAsync(NewLine, cancellationToken).ConfigureAwait(false);
        }

        if (writer.BytesPending > FlushThreshold)
        {
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (!options.Ndjson)
        {
            writer.WriteEndArray();
        }

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

    private JsonEncodedText NextName()
    {
        if (column == 0)
        {
            writer.WriteStartObject();
        }

        return names[column++];
    }
}
