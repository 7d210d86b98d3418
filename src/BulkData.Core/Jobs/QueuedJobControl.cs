namespace BulkData.Jobs;

/// <summary>Who is asking about a job: another tenant's job (or, with an owner, another user's) is not found.</summary>
/// <param name="Tenant">The caller's tenant; null in a single-tenant application.</param>
/// <param name="Owner">The caller, when only their own jobs may be reached; null for any job of the tenant.</param>
public sealed record JobScope(string? Tenant, string? Owner = null)
{
    /// <summary>True when the job is within the scope.</summary>
    /// <param name="job">The job.</param>
    /// <returns>Whether the caller may reach it.</returns>
    public bool Includes(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Tenant == Tenant && (Owner is null || job.Owner == Owner);
    }
}

/// <summary>Cancelling and resuming queued jobs from any process, within the caller's scope.</summary>
public static class QueuedJobControl
{
    /// <summary>Gets a job if it is within the caller's scope.</summary>
    /// <param name="store">The job store.</param>
    /// <param name="jobId">The job.</param>
    /// <param name="scope">The caller's tenant (and user).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The job, or null when there is none in the scope.</returns>
    public static async ValueTask<Job?> GetAsync(this IJobStore store, Guid jobId, JobScope scope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(scope);
        return await store.GetAsync(jobId, cancellationToken).ConfigureAwait(false) is { } job && scope.Includes(job) ? job : null;
    }

    /// <summary>
    /// Asks a job to stop, from any process: the worker running it stops at its next batch (an all-or-nothing
    /// import writes nothing, a partial one keeps the batches it committed) and the job ends cancelled, saying
    /// which; a queued job that has not started ends cancelled when a worker takes it up. A finished job is left as it is.
    /// </summary>
    /// <param name="store">The job store.</param>
    /// <param name="jobId">The job.</param>
    /// <param name="scope">The caller's tenant (and user).</param>
    /// <param name="time">The clock for the history entry; null for the system clock.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The job as stored.</returns>
    /// <exception cref="KeyNotFoundException">There is no such job in the caller's scope.</exception>
    public static async ValueTask<Job> RequestCancelAsync(this IJobStore store, Guid jobId, JobScope scope, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var job = await FindAsync(store, jobId, scope, cancellationToken).ConfigureAwait(false);
        if (job.IsFinished)
        {
            return job;
        }

        job = await store.UpdateAsync(jobId, j => j with { CancelRequested = true }, cancellationToken).ConfigureAwait(false);
        await store.AppendEventAsync(jobId, new JobEvent((time ?? TimeProvider.System).GetUtcNow(), "cancel requested", job.Status, scope.Owner), cancellationToken).ConfigureAwait(false);
        return job;
    }

    /// <summary>
    /// Runs a queued import again that failed or was cancelled: a partial import resumes after its last
    /// committed batch (no row is written twice), an all-or-nothing one starts from the beginning.
    /// </summary>
    /// <param name="runner">The runner to hand it to.</param>
    /// <param name="store">The job store.</param>
    /// <param name="jobId">The job.</param>
    /// <param name="scope">The caller's tenant (and user).</param>
    /// <param name="time">The clock for the history entry; null for the system clock.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The job as queued again.</returns>
    /// <exception cref="KeyNotFoundException">There is no such job in the caller's scope.</exception>
    /// <exception cref="BulkDataException">The job is not a failed or cancelled queued import.</exception>
    public static async ValueTask<Job> ResumeAsync(this IJobRunner runner, IJobStore store, Guid jobId, JobScope scope, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runner);
        var job = await FindAsync(store, jobId, scope, cancellationToken).ConfigureAwait(false);
        if (job is not { Kind: JobKind.Import, Status: JobStatus.Failed or JobStatus.Cancelled } || !job.Parameters.ContainsKey(Import.QueuedImport.FileParameter))
        {
            throw new BulkDataException($"Job {jobId} is a {job.Kind.ToString().ToLowerInvariant()} that is {job.Status}; only queued imports that failed or were cancelled can be resumed.") { JobId = jobId };
        }

        job = await store.UpdateAsync(jobId, j => j with { Status = JobStatus.Queued, CancelRequested = false, FailureReason = null, CompletedAt = null }, cancellationToken).ConfigureAwait(false);
        await store.AppendEventAsync(jobId, new JobEvent((time ?? TimeProvider.System).GetUtcNow(), "resume requested", JobStatus.Queued, scope.Owner, $"after row {job.Checkpoint}"), cancellationToken).ConfigureAwait(false);
        await runner.EnqueueAsync(jobId, cancellationToken).ConfigureAwait(false);
        return job;
    }

    private static async ValueTask<Job> FindAsync(IJobStore store, Guid jobId, JobScope scope, CancellationToken cancellationToken) =>
        await store.GetAsync(jobId, scope, cancellationToken).ConfigureAwait(false) ?? throw new KeyNotFoundException($"There is no job {jobId}.");
}
