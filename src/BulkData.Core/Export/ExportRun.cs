using BulkData.Jobs;
using BulkData.Resources;
using BulkData.Sinks;

namespace BulkData.Export;

/// <summary>
/// Runs one export as a job: stream the rows, write each column typed to the sink, report progress. A queued
/// job runs as itself, stops at a progress point when someone asked to cancel it, and records what
/// <c>written</c> returns about its file once the sink has completed.
/// </summary>
internal sealed class ExportRun<T>(ExportOperation<T> operation, IExportSink sink, Job? queued = null, Func<CancellationToken, Task<IReadOnlyDictionary<string, string>>>? written = null)
    where T : class
{
    private readonly JobRecorder recorder = new(operation.Services.JobStore, operation.Services.Time, operation.Services.Logger, operation.Owner);
    private long rows;

    public Job Job => recorder.Job;

    public async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        var source = operation.RowsAt(operation.Services.Time.GetUtcNow());
        var columns = Array.ConvertAll(operation.SelectedColumns(), c => c.ForRun());
        var writers = ColumnWriter<T>.For(columns);
        if (queued is not null)
        {
            recorder.Attach(queued);
        }
        else
        {
            await CreateAsync(columns, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await recorder.StartAsync(JobStatus.Processing, "exporting", cancellationToken).ConfigureAwait(false);
            await sink.BeginAsync(columns.Select(c => c.Column.Name).ToArray(), cancellationToken).ConfigureAwait(false);
            var interval = operation.Options.ProgressInterval;
            var rowsToWrite = columns.Any(c => c.Lookup is not null) ? NamedAheadAsync(source, columns, cancellationToken) : source;
            await foreach (var item in rowsToWrite.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                // Neither a list's rows nor a sink writing to a response whose client left (its writes then do
                // nothing) look at the token: checked per row, so the export stops and ends cancelled.
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var writer in writers)
                {
                    writer.Write(item, sink);
                }

                await sink.EndRowAsync(cancellationToken).ConfigureAwait(false);
                if (++rows % interval == 0)
                {
                    await recorder.SaveAsync(Snapshot("exporting"), cancellationToken).ConfigureAwait(false);
                    operation.Progress?.Report(Job.Progress);
                    if (queued is not null && recorder.Job.CancelRequested)
                    {
                        await FinishAsync(JobStatus.Cancelled, "Cancelled on request. No file was kept.", CancellationToken.None).ConfigureAwait(false);
                        return;
                    }
                }
            }

            await sink.CompleteAsync(cancellationToken).ConfigureAwait(false);
            if (written is not null)
            {
                var recorded = await written(cancellationToken).ConfigureAwait(false);
                recorder.Attach(Job with { Parameters = new Dictionary<string, string>(Job.Parameters.Concat(recorded)) });
            }

            await FinishAsync(JobStatus.Completed, null, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && queued is not null)
        {
            // A runner stopping is not a cancel: the job stays where it is, for a runner to run again.
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await FinishAsync(JobStatus.Cancelled, "Cancelled by the caller.", CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        catch (Exception e)
        {
            await FinishAsync(JobStatus.Failed, $"The export stopped on an error: {e.Message}", CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The rows of a resource with lookup columns, a thousand held ahead so that each lookup names the records they refer
    /// to in one call (the registered resolver's) before they are written.
    /// </summary>
    private async IAsyncEnumerable<T> NamedAheadAsync(IAsyncEnumerable<T> items, IColumnBinding<T>[] columns, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var resolver = operation.Services.References ?? throw new BulkDataConfigurationException(
            operation.Resource.Name,
            $"The resource {operation.Resource.Name} has columns that look up other records, and nothing names them on export: register an {nameof(Import.IReferenceResolver)} (UseEntityFrameworkLookups).");
        await foreach (var held in items.Chunk(1_000).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            foreach (var column in columns)
            {
                await column.NameReferencesAsync(resolver, held, cancellationToken).ConfigureAwait(false);
            }

            foreach (var item in held)
            {
                yield return item;
            }
        }
    }

    private async Task CreateAsync(IColumnBinding<T>[] columns, CancellationToken cancellationToken)
    {
        var job = new Job
        {
            Id = Guid.CreateVersion7(),
            Kind = JobKind.Export,
            Resource = operation.Resource.Name,
            Format = sink.Format,
            Owner = operation.Owner,
            Tenant = operation.Tenant,
            Parameters = new Dictionary<string, string>(operation.Parameters) { ["columns"] = string.Join(", ", columns.Select(c => c.Column.Name)) },
        };
        await recorder.CreateAsync(job, $"Export of {job.Resource} to {sink.Format}", JobStatus.Pending, cancellationToken).ConfigureAwait(false);
    }

    private Job Snapshot(string phase) => Job with { Progress = new JobProgress(rows, null, phase), Counts = new JobCounts(Read: rows, Valid: rows) };

    private async Task FinishAsync(JobStatus status, string? reason, CancellationToken cancellationToken)
    {
        BulkDataDiagnostics.RowsWritten.Add(rows, new System.Diagnostics.TagList { { "bulkdata.resource", Job.Resource }, { "bulkdata.kind", Job.Kind.ToString() } });
        await recorder.FinishAsync(Snapshot("done") with { Status = status, FailureReason = reason }, $"{rows} rows written", cancellationToken).ConfigureAwait(false);
        operation.Progress?.Report(Job.Progress);
    }
}
