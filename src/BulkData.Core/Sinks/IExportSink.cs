using BulkData.Mapping;

namespace BulkData.Sinks;

/// <summary>
/// Where exported rows go: a CSV, Excel or JSON file, or anything else that takes a header and rows.
/// Cells arrive typed (numbers stay numbers, dates stay dates) with the converter and format that turn
/// them into text, so each format writes them its own way without boxing. Rows arrive one at a time:
/// a sink streams, and its memory does not grow with the row count.
/// </summary>
public interface IExportSink : IAsyncDisposable
{
    /// <summary>A short format name recorded on the job, e.g. <c>csv</c>.</summary>
    string Format { get; }

    /// <summary>Starts the output and writes the header.</summary>
    /// <param name="headers">The column headers, in order.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the header is written.</returns>
    ValueTask BeginAsync(IReadOnlyList<string> headers, CancellationToken cancellationToken = default);

    /// <summary>Writes the next cell of the current row.</summary>
    /// <typeparam name="TValue">The value's type.</typeparam>
    /// <param name="value">The value, never null.</param>
    /// <param name="converter">Formats the value as text where the format needs text.</param>
    /// <param name="format">The column's culture and formats.</param>
    void WriteCell<TValue>(TValue value, ValueConverter<TValue> converter, ValueFormat format);

    /// <summary>Writes an empty next cell of the current row.</summary>
    void WriteEmptyCell();

    /// <summary>Ends the current row; the sink may flush to its output here.</summary>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the row is accepted.</returns>
    ValueTask EndRowAsync(CancellationToken cancellationToken = default);

    /// <summary>Finishes the output (closing tags, flushing). Without it the output is incomplete.</summary>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when everything is written.</returns>
    ValueTask CompleteAsync(CancellationToken cancellationToken = default);
}
