namespace BulkData.Sources;

/// <summary>An open source: its header and a forward-only stream of rows.</summary>
public interface IImportReader : IAsyncDisposable
{
    /// <summary>The header cells, in file order; empty when the file is empty.</summary>
    IReadOnlyList<string> Headers { get; }

    /// <summary>
    /// False when the file has no header row: <see cref="Headers"/> then names the columns by position and
    /// resource columns are matched by their <c>Position</c>, never by name. Default: true.
    /// </summary>
    bool HasHeaderRow => true;

    /// <summary>
    /// How many data rows the source expects, when it can tell before reading them all: exact from an XLSX
    /// sheet's dimension, estimated from the bytes read so far for a seekable CSV or JSON stream. Null when
    /// unknown. Read it again as rows are read: estimates improve.
    /// </summary>
    long? EstimatedRows => null;

    /// <summary>
    /// Streams the data rows. Blank rows are skipped and not counted. Rows whose shape is broken
    /// come back with <see cref="SourceRow.Problem"/> set rather than as an exception.
    /// </summary>
    /// <param name="cancellationToken">Cancels reading.</param>
    /// <returns>The rows, in file order.</returns>
    /// <exception cref="ImportSourceException">The rest of the source cannot be read.</exception>
    IAsyncEnumerable<SourceRow> ReadRowsAsync(CancellationToken cancellationToken = default);
}
