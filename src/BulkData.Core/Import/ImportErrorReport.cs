using BulkData.Jobs;
using BulkData.Mapping;
using BulkData.Sinks;
using BulkData.Sources;

namespace BulkData.Import;

/// <summary>
/// Writes the rows an import rejected back out, with their original columns and an error column, so a
/// person can fix them and import the file again.
/// </summary>
public static class ImportErrorReport
{
    /// <summary>The header of the column holding each row's errors.</summary>
    public const string ErrorColumn = "Errors";

    /// <summary>
    /// Reads the source again and writes each rejected row, in file order, to the sink. Rows rejected past
    /// the error cap have no message of their own, and say so.
    /// </summary>
    /// <param name="source">The source the import read; it must be readable again (a file or seekable stream).</param>
    /// <param name="result">The import's (or dry run's) result.</param>
    /// <param name="sink">Where to write the report; completed, not disposed.</param>
    /// <param name="cancellationToken">Cancels the report.</param>
    /// <returns>The number of rows written.</returns>
    public static async Task<long> WriteAsync(IImportSource source, ImportResult result, IExportSink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(sink);
        var messages = result.Errors
            .Where(e => e.RowNumber is not null)
            .GroupBy(e => e.RowNumber!.Value)
            .ToDictionary(g => g.Key, g => string.Join(" ", g.Select(e => e.Column is null ? e.Message : $"{e.Column}: {e.Message}")));
        var rejected = result.Rows.Where(r => r.Kind == RowOutcomeKind.Invalid).Select(r => r.RowNumber).Concat(messages.Keys).ToHashSet();

        await using var reader = await source.OpenAsync(cancellationToken).ConfigureAwait(false);
        await sink.BeginAsync([.. reader.Headers, ErrorColumn], cancellationToken).ConfigureAwait(false);
        long written = 0;
        await foreach (var row in reader.ReadRowsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!rejected.Contains(row.RowNumber))
            {
                continue;
            }

            await WriteRowAsync(sink, reader.Headers.Count, row, messages.GetValueOrDefault(row.RowNumber, "This row has errors that are not listed: the import stopped listing errors at its limit."), cancellationToken).ConfigureAwait(false);
            written++;
        }

        await sink.CompleteAsync(cancellationToken).ConfigureAwait(false);
        return written;
    }

    /// <summary>
    /// Writes the report of a queued import (<c>EnqueueAsync</c>, its upload in the file store): every rejected row,
    /// however many, with all its errors. A run that rejected more rows than its job lists kept them all with the
    /// job's files as it went; the report streams them beside the upload, holding one row at a time.
    /// </summary>
    /// <param name="source">The job's upload, opened as the import read it.</param>
    /// <param name="job">The finished import job.</param>
    /// <param name="files">The file store holding the job's files.</param>
    /// <param name="sink">Where to write the report; completed, not disposed.</param>
    /// <param name="cancellationToken">Cancels the report.</param>
    /// <returns>The number of rows written.</returns>
    public static async Task<long> WriteAsync(IImportSource source, Jobs.Job job, Jobs.IFileStore files, IExportSink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(sink);
        Stream? stored = job.Parameters.TryGetValue(JobParameters.Errors, out var id) && Guid.TryParse(id, out var fileId)
            ? await files.OpenAsync(fileId, cancellationToken).ConfigureAwait(false)
            : null;
        try
        {
            var errors = stored is null
                ? job.Errors.Where(e => e.RowNumber is not null).OrderBy(e => e.RowNumber).ToAsyncEnumerable()
                : RejectedRowsFile.ReadAsync(stored, cancellationToken);
            await using var pending = errors.GetAsyncEnumerator(cancellationToken);
            async ValueTask<Validation.RowError?> NextErrorAsync() => await pending.MoveNextAsync().ConfigureAwait(false) ? pending.Current : null;
            var next = await NextErrorAsync().ConfigureAwait(false);

            await using var reader = await source.OpenAsync(cancellationToken).ConfigureAwait(false);
            await sink.BeginAsync([.. reader.Headers, ErrorColumn], cancellationToken).ConfigureAwait(false);
            long written = 0;
            var message = new System.Text.StringBuilder();
            await foreach (var row in reader.ReadRowsAsync(cancellationToken).ConfigureAwait(false))
            {
                // Both are in row order: the errors of the rows before this one are behind, this row's are next.
                while (next is not null && next.RowNumber < row.RowNumber)
                {
                    next = await NextErrorAsync().ConfigureAwait(false);
                }

                message.Clear();
                while (next is not null && next.RowNumber == row.RowNumber)
                {
                    message.Append(message.Length == 0 ? string.Empty : " ").Append(next.Column is null ? next.Message : $"{next.Column}: {next.Message}");
                    next = await NextErrorAsync().ConfigureAwait(false);
                }

                if (message.Length > 0)
                {
                    await WriteRowAsync(sink, reader.Headers.Count, row, message.ToString(), cancellationToken).ConfigureAwait(false);
                    written++;
                }

                if (next is null)
                {
                    break;
                }
            }

            await sink.CompleteAsync(cancellationToken).ConfigureAwait(false);
            return written;
        }
        finally
        {
            if (stored is not null)
            {
                await stored.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Creates the sink the source names for its report (<see cref="IImportSource.CreateReportSink"/>): the
    /// built-in ones write the source's own format. Formula neutralising stays on: the report is opened in a
    /// spreadsheet, and the uploaded values may be hostile. In XLSX a dangerous value keeps its text (a
    /// quote-prefix style makes Excel show it as text); in CSV it gains a leading apostrophe, the only guard a
    /// CSV cell can carry, to remove when the value is meant.
    /// </summary>
    /// <param name="source">The source the import read.</param>
    /// <param name="output">The stream to write to; flushed, not closed.</param>
    /// <returns>The sink.</returns>
    /// <exception cref="NotSupportedException">The source names no sink for its format.</exception>
    public static IExportSink SinkFor(IImportSource source, Stream output)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.CreateReportSink(output)
            ?? throw new NotSupportedException($"The '{source.Format}' source names no sink for its error report; pass your own IExportSink to WriteAsync.");
    }

    private static async ValueTask WriteRowAsync(IExportSink sink, int columns, SourceRow row, string errors, CancellationToken cancellationToken)
    {
        for (var i = 0; i < columns; i++)
        {
            WriteText(sink, i < row.Cells.Count ? row.Cells[i] : null);
        }

        WriteText(sink, errors);
        await sink.EndRowAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void WriteText(IExportSink sink, string? text)
    {
        if (text is null)
        {
            sink.WriteEmptyCell();
        }
        else
        {
            sink.WriteCell(text, StringConverter.Instance, ValueFormat.Invariant);
        }
    }
}
