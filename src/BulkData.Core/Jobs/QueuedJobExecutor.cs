using BulkData.DependencyInjection;
using BulkData.Export;
using BulkData.Import;
using BulkData.Resources;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BulkData.Jobs;

/// <summary>
/// Runs one queued job wherever a runner picked it up: finds its resource by name; an import reads its stored
/// file into the target the application registered for the resource (<c>AddImportTarget</c>), an export reads
/// the registered export source (<c>AddExportSource</c>) and keeps its file in the file store; each in a
/// scope of its own. A job cancelled before it started ends cancelled; one that cannot run fails saying why.
/// </summary>
internal sealed class QueuedJobExecutor(IServiceScopeFactory scopes, ResourceRegistry registry, IJobStore store, TimeProvider time, IFileStore files, ILoggerFactory? loggers = null)
    : IQueuedJobExecutor
{
    public async Task RunAsync(Guid jobId, CancellationToken cancellationToken = default)
    {
        if (await store.GetAsync(jobId, cancellationToken).ConfigureAwait(false) is not { IsFinished: false } job)
        {
            return;
        }

        if (job.CancelRequested)
        {
            await EndAsync(job, JobStatus.Cancelled, "Cancelled on request before it started. Nothing was written.", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (job.Format == Formats.FileFormats.DataPackage && job.Kind == JobKind.Import)
        {
            await PackageAsync(job, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (registry.Find(job.Resource) is not { } resource)
        {
            await EndAsync(job, JobStatus.Failed, $"The resource '{job.Resource}' is not registered in this process. Register it with AddResource in every process that runs jobs.", cancellationToken).ConfigureAwait(false);
            return;
        }

        await resource.Accept(new QueuedRun(this, job, cancellationToken)).ConfigureAwait(false);
    }

    private async Task ExportAsync<T>(Job job, CancellationToken cancellationToken)
        where T : class
    {
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            if (scope.ServiceProvider.GetService<ExportSource<T>>() is not { } source)
            {
                await EndAsync(job, JobStatus.Failed, $"No export source is registered for {job.Resource}. Register one with AddExportSource<{typeof(T).Name}>(...).", cancellationToken).ConfigureAwait(false);
                return;
            }

            var operation = QueuedExport.Restore(scope.ServiceProvider.GetRequiredService<IBulkExporter>().For<T>(), job).From(source.Rows(scope.ServiceProvider));
            var output = Sources.SourceStreams.TemporaryFile();
            await using (output.ConfigureAwait(false))
            {
                var sink = registry.Formats.Create(job.Format ?? "csv", output);
                await using (sink.ConfigureAwait(false))
                {
                    await operation.RunQueuedAsync(job, sink, KeepAsync, cancellationToken).ConfigureAwait(false);
                }
            }

            async Task<IReadOnlyDictionary<string, string>> KeepAsync(CancellationToken token)
            {
                output.Position = 0;
                var stored = await files.SaveAsync(output, job.FileName ?? $"{job.Resource}.{job.Format}", token).ConfigureAwait(false);
                return new Dictionary<string, string>
                {
                    [QueuedExport.OutputParameter] = stored.Id.ToString(),
                    ["outputSha256"] = stored.Sha256,
                    ["outputBytes"] = stored.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
                };
            }
        }
    }

    private async Task ImportAsync<T>(Job job, CancellationToken cancellationToken)
        where T : class
    {
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            if (scope.ServiceProvider.GetService<IImportTarget<T>>() is not { } target)
            {
                await EndAsync(job, JobStatus.Failed, $"No import target is registered for {job.Resource}. Register one with AddImportTarget<{typeof(T).Name}>(...).", cancellationToken).ConfigureAwait(false);
                return;
            }

            if (!registry.Formats.Reads(job.Format))
            {
                await EndAsync(job, JobStatus.Failed, Formats.FileFormats.Unreadable(job.Format), cancellationToken).ConfigureAwait(false);
                return;
            }

            if (await OpenFileAsync(job, cancellationToken).ConfigureAwait(false) is not { } file)
            {
                return;
            }

            await using (file.ConfigureAwait(false))
            {
                ImportOperation<T> operation;
                try
                {
                    operation = scope.ServiceProvider.GetRequiredService<IBulkImporter>().For<T>().WithSettingsOf(job);
                }
                catch (BulkDataConfigurationException e)
                {
                    // A job whose settings no longer fit its resource (a mapping to a column it does not have) fails saying so, never stays queued.
                    await EndAsync(job, JobStatus.Failed, e.Message, cancellationToken).ConfigureAwait(false);
                    return;
                }

                await operation.From(registry.Formats.Open(job, file)).RunQueuedAsync(job, target, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task PackageAsync(Job job, CancellationToken cancellationToken)
    {
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            if (scope.ServiceProvider.GetService<Packages.IPackageImportTarget>() is not { } target)
            {
                await EndAsync(job, JobStatus.Failed, "No package import target is registered. Register one with AddPackageImportTarget(...).", cancellationToken).ConfigureAwait(false);
                return;
            }

            if (await OpenFileAsync(job, cancellationToken).ConfigureAwait(false) is not { } file)
            {
                return;
            }

            await using (file.ConfigureAwait(false))
            {
                var operation = scope.ServiceProvider.GetRequiredService<IBulkImporter>().Package(file, job.FileName ?? "package.zip").OwnedBy(job.Owner, job.Tenant);
                try
                {
                    await operation.RunQueuedAsync(job, target, cancellationToken).ConfigureAwait(false);
                }
                catch (ImportSourceException)
                {
                    // A refused package is recorded on its job (failed, with the reason); nothing more to do.
                }
            }
        }
    }

    /// <summary>Opens a queued import's stored file; ends the job, failed, and returns null when there is none.</summary>
    private async Task<Stream?> OpenFileAsync(Job job, CancellationToken cancellationToken)
    {
        if (!job.Parameters.TryGetValue(JobParameters.File, out var fileId) || !Guid.TryParse(fileId, out var id))
        {
            await EndAsync(job, JobStatus.Failed, "The job has no stored file to import.", cancellationToken).ConfigureAwait(false);
            return null;
        }

        try
        {
            return await files.OpenAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (StoredFileNotFoundException)
        {
            await EndAsync(job, JobStatus.Failed, $"The job's file {id} is no longer in the file store (expired or deleted). Upload it again.", cancellationToken).ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>Ends a job that could not start, through the same recorder (retries, history, log) as a job that ran.</summary>
    private async Task EndAsync(Job job, JobStatus status, string reason, CancellationToken cancellationToken)
    {
        var recorder = new JobRecorder(store, time, loggers?.CreateLogger("BulkData") ?? NullLogger.Instance, job.Owner);
        recorder.Attach(job);
        await recorder.FinishAsync(job with { Status = status, FailureReason = reason }, "not started", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The job's run, typed by its resource.</summary>
    private sealed class QueuedRun(QueuedJobExecutor executor, Job job, CancellationToken cancellationToken) : IResourceVisitor<Task>
    {
        public Task Visit<T>(Resource<T> resource)
            where T : class =>
            job.Kind == JobKind.Export ? executor.ExportAsync<T>(job, cancellationToken) : executor.ImportAsync<T>(job, cancellationToken);
    }
}
