using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace BulkData.Jobs;

/// <summary>
/// Keeps one running job's snapshot in the store and writes its history: created, started, and the final
/// status. Imports and exports share it so that every job goes through the same lifecycle.
/// </summary>
internal sealed partial class JobRecorder(IJobStore store, TimeProvider time, ILogger logger, string? actor)
{
    private Activity? activity;
    private long rowsReported;
    private long failedReported;

    public Job Job { get; private set; } = null!;

    /// <summary>The job's span, the parent of its batch spans; default when no listener records it.</summary>
    public ActivityContext Span => activity?.Context ?? default;

    /// <summary>Adds what the job read and refused since the last report to the row counters.</summary>
    public void CountRows(long read, long invalid)
    {
        var tags = new TagList { { "bulkdata.resource", Job.Resource }, { "bulkdata.kind", Job.Kind.ToString() } };
        BulkDataDiagnostics.RowsRead.Add(read - rowsReported, tags);
        BulkDataDiagnostics.RowsFailed.Add(invalid - failedReported, tags);
        (rowsReported, failedReported) = (read, invalid);
    }

    /// <summary>Stores a new job, <see cref="JobStatus.Pending"/> to run now or <see cref="JobStatus.Queued"/> for a runner.</summary>
    public async Task CreateAsync(Job job, string details, JobStatus status, CancellationToken cancellationToken)
    {
        Job = await store.CreateAsync(job with { Status = status, CreatedAt = time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
        await store.AppendEventAsync(Job.Id, new JobEvent(Job.CreatedAt, status == JobStatus.Queued ? "queued" : "created", status, actor, details), cancellationToken).ConfigureAwait(false);
        LogCreated(logger, Job.Id, Job.Kind, Job.Resource, details);
    }

    /// <summary>Records on a job created earlier (a queued one) instead of a new one.</summary>
    public void Attach(Job job) => Job = job;

    public async Task StartAsync(JobStatus status, string phase, CancellationToken cancellationToken)
    {
        activity = BulkDataDiagnostics.Source.StartActivity($"bulkdata.{Job.Kind.ToString().ToLowerInvariant()}");
        activity?.SetTag("bulkdata.job.id", Job.Id).SetTag("bulkdata.resource", Job.Resource).SetTag("bulkdata.format", Job.Format).SetTag("bulkdata.tenant", Job.Tenant);
        var now = time.GetUtcNow();
        Job = await store.UpdateAsync(Job with { Status = status, StartedAt = now, Progress = new JobProgress(0, null, phase) }, cancellationToken).ConfigureAwait(false);
        await store.AppendEventAsync(Job.Id, new JobEvent(now, "started", status, actor), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Saves a snapshot. A target that committed in the job's own database may have moved the job on (its
    /// checkpoint) meanwhile; the snapshot is then reapplied over the stored job, keeping that checkpoint.
    /// </summary>
    public async Task SaveAsync(Job job, CancellationToken cancellationToken)
    {
        try
        {
            Job = await store.UpdateAsync(job, cancellationToken).ConfigureAwait(false);
        }
        catch (JobConcurrencyException)
        {
            // Keeps what others wrote meanwhile: the target's checkpoint, and a cancel requested from another process.
            Job = await store.UpdateAsync(
                job.Id,
                current => job with { Checkpoint = Math.Max(current.Checkpoint, job.Checkpoint), CancelRequested = current.CancelRequested || job.CancelRequested },
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Records the job's end. A store that fails for a moment (a dropped connection) is tried again, so that a
    /// job does not stay <c>Processing</c> forever when its outcome is known.
    /// </summary>
    public async Task FinishAsync(Job job, string details, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await RetryAsync(() => SaveAsync(job with { CompletedAt = now }, cancellationToken), cancellationToken).ConfigureAwait(false);
        details += Job.FailureReason is null ? string.Empty : $". {Job.FailureReason}";
        var entry = new JobEvent(now, Action(Job.Status), Job.Status, actor, details);
        await RetryAsync(() => store.AppendEventAsync(Job.Id, entry, cancellationToken).AsTask(), cancellationToken).ConfigureAwait(false);
        LogFinished(logger, Job.Id, Job.Status, details);
        EndSpan();
    }

    private void EndSpan()
    {
        var tags = new TagList { { "bulkdata.resource", Job.Resource }, { "bulkdata.kind", Job.Kind.ToString() }, { "bulkdata.status", Job.Status.ToString() } };
        if (Job.StartedAt is { } started && Job.CompletedAt is { } ended)
        {
            BulkDataDiagnostics.JobDuration.Record((ended - started).TotalSeconds, tags);
        }

        if (activity is not null)
        {
            activity.SetTag("bulkdata.status", Job.Status.ToString()).SetTag("bulkdata.rows.read", Job.Counts.Read).SetTag("bulkdata.rows.committed", Job.Counts.Committed);
            if (Job.Status == JobStatus.Failed)
            {
                activity.SetStatus(ActivityStatusCode.Error, Job.FailureReason);
            }

            activity.Dispose();
            activity = null;
        }
    }

    private static async Task RetryAsync(Func<Task> write, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await write().ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (attempt < FinishAttempts && e is not OperationCanceledException && e is not JobNotFoundException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt * attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private const int FinishAttempts = 4;

    private static string Action(JobStatus status) => status switch
    {
        JobStatus.Validated => "validated",
        JobStatus.ValidationFailed => "validation failed",
        JobStatus.Completed => "completed",
        JobStatus.CompletedWithErrors => "completed with errors",
        JobStatus.Cancelled => "cancelled",
        _ => "failed",
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: {Kind} of {Resource} created ({Details})")]
    private static partial void LogCreated(ILogger logger, Guid jobId, JobKind kind, string resource, string details);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} {Status}: {Details}")]
    private static partial void LogFinished(ILogger logger, Guid jobId, JobStatus status, string details);
}
