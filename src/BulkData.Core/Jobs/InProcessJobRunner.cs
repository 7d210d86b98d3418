using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BulkData.Jobs;

/// <summary>
/// Runs queued jobs in this process, a few at a time, as a hosted service. On start it takes up the jobs a
/// previous process left <see cref="JobStatus.Queued"/> or <see cref="JobStatus.Processing"/> when it stopped or
/// died: a partial import resumes after its last committed batch, an all-or-nothing one starts again. Meant for
/// one process per job store; several processes share work through a clustered engine instead.
/// </summary>
internal sealed partial class InProcessJobRunner(IQueuedJobExecutor executor, IJobStore store, InProcessRunnerOptions options, ILogger logger)
    : BackgroundService, IJobRunner
{
    private readonly Channel<Guid> queue = Channel.CreateUnbounded<Guid>();

    // Jobs waiting or running here, each with whether it was queued again meanwhile: the start-up scan can find a job
    // that was just queued, and a job must never run twice at once (both runs would write its rows). But a job queued
    // again while its run winds down (committed the moment its validation recorded its end) must run once more, or it
    // would stay queued for ever.
    private readonly Dictionary<Guid, bool> pending = [];

    public ValueTask EnqueueAsync(Guid jobId, CancellationToken cancellationToken = default)
    {
        lock (pending)
        {
            if (pending.ContainsKey(jobId))
            {
                pending[jobId] = true;
                return ValueTask.CompletedTask;
            }

            pending[jobId] = false;
        }

        BulkDataDiagnostics.QueueLength.Add(1);
        return queue.Writer.WriteAsync(jobId, cancellationToken);
    }

    /// <summary>Lets a job that ended here be queued again, or queues it at once when it was queued again while it ran.</summary>
    private void Ended(Guid jobId)
    {
        lock (pending)
        {
            if (!pending.Remove(jobId, out var again) || !again)
            {
                return;
            }

            pending[jobId] = false;
        }

        BulkDataDiagnostics.QueueLength.Add(1);
        queue.Writer.TryWrite(jobId);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var orphans = store.QueryAsync(new JobQuery { Status = JobStatus.Queued, Take = int.MaxValue }, stoppingToken)
            .Concat(store.QueryAsync(new JobQuery { Status = JobStatus.Processing, Take = int.MaxValue }, stoppingToken));
        await foreach (var job in orphans.ConfigureAwait(false))
        {
            LogTakingUp(logger, job.Id, job.Status);
            await EnqueueAsync(job.Id, stoppingToken).ConfigureAwait(false);
        }

        await Task.WhenAll(Enumerable.Range(0, options.MaxConcurrency).Select(_ => WorkAsync(stoppingToken))).ConfigureAwait(false);
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        await foreach (var jobId in queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            BulkDataDiagnostics.QueueLength.Add(-1);
            try
            {
                await executor.RunAsync(jobId, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // The process is stopping: the job stays where it was and is taken up on the next start.
                return;
            }
            catch (Exception e)
            {
                // The job recorded its failure; one job's failure never stops the runner.
                LogFailed(logger, e, jobId);
            }
            finally
            {
                Ended(jobId);
            }
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Taking up job {JobId}, left {Status} by a previous process")]
    private static partial void LogTakingUp(ILogger logger, Guid jobId, JobStatus status);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "Queued job {JobId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, Guid jobId);
}
