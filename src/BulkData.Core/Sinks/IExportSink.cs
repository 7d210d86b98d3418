using BulkData.Resources;

namespace BulkData.Sinks;

/// <summary>
/// Where exported rows go: a CSV, Excel or JSON file, or anything else that takes a header and rows.
/// A sink receives typed values (numbers stay numbers, dates stay dates) and formats them for its
/// format using each column's <see cref="ResourceColumn.Format"/>. Rows arrive one at a time, so a
/// sink streams and its memory does not grow with the row count.
/// </summary>
public interface IExportSink : IAsyncDisposable
{
    /// <summary>A short format name recorded on the job, e.g. <c>csv</c>.</summary>
    string Format { get; }

    /// <summary>Starts the output and writes the header.</summary>
    /// <param name="columns">The exported columns, in order.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the header is written.</returns>
    ValueTask BeginAsync(IReadOnlyList<ResourceColumn> columns, CancellationToken cancellationToken = default);

    /// <summary>Writes one row. The values' memory is reused after the call returns.</summary>
    /// <param name="values">The typed values, one per column, in column order; null for an empty cell.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the row is accepted.</returns>
    ValueTask WriteRowAsync(ReadOnlyMemory<object?> values, CancellationToken cancellationToken = default);

    /// <summary>Finishes the output (closing tags, flushing). Without it the output is incomplete.</summary>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when everything is written.</returns>
    ValueTask CompleteAsync(CancellationToken cancellationToken = default);
}
