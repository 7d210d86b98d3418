using BulkData.Sinks;
using BulkData.Validation;

namespace BulkData.Sources;

/// <summary>
/// Where imported rows come from: a CSV, Excel or JSON file, or anything else that can yield a
/// header and rows of text cells. Implement it to import from a new format or system.
/// </summary>
public interface IImportSource
{
    /// <summary>A short format name recorded on the job, e.g. <c>csv</c>.</summary>
    string Format { get; }

    /// <summary>The file name or another label recorded on the job, when there is one.</summary>
    string? Name { get; }

    /// <summary>Opens the source and reads its header. Each call reads the source from the start.</summary>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <returns>A reader positioned after the header.</returns>
    /// <exception cref="ImportSourceException">The source cannot be read (corrupt, wrong format).</exception>
    ValueTask<IImportReader> OpenAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates the sink that writes rows back in this source's own format, for the report of the rows an import
    /// rejected (<see cref="BulkData.Import.ImportErrorReport"/>), so a person fixes them in the tool they came
    /// from. Default: null, the format has no sink and the caller passes its own.
    /// </summary>
    /// <param name="output">The stream to write to; flushed, not closed.</param>
    /// <returns>The sink, or null.</returns>
    IExportSink? CreateReportSink(Stream output) => null;
}

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

/// <summary>One data row as a source read it.</summary>
/// <param name="RowNumber">The 1-based data row (the header and blank rows are not counted).</param>
/// <param name="LineNumber">The 1-based physical line (or spreadsheet row) where the row starts.</param>
/// <param name="Cells">The cell texts in header order, read in each column's culture and formats; null for a cell the source had no value for. A list that also implements <see cref="ITypedCells"/> marks the values a program wrote in invariant notation. A source may reuse the list for the next row: read it before reading on.</param>
/// <param name="Problem">A structural problem that makes the row unusable (too many values, a broken quote), or null.</param>
public sealed record SourceRow(long RowNumber, long LineNumber, IReadOnlyList<string?> Cells, RowError? Problem = null)
{
    /// <summary>Something about the row that does not stop it from importing but that the user should know (e.g. values beyond the last header), or null.</summary>
    public string? Warning { get; init; }
}
