namespace BulkData.Jobs;

/// <summary>
/// Keeps jobs and their history. BulkData ships a thread-safe in-memory store as the default;
/// durable stores live in their own packages. Implement it to keep jobs anywhere else.
/// </summary>
public interface IJobStore
{
    /// <summary>Stores a new job.</summary>
    /// <param name="job">The job.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The job as stored, with its first version.</returns>
    ValueTask<Job> CreateAsync(Job job, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces a job's snapshot, if the stored one still has the snapshot's <see cref="Job.Version"/>;
    /// the stored job gets the next version.
    /// </summary>
    /// <param name="job">The changed job, with the same <see cref="Job.Id"/> and the version it was read at.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The job as stored, with its new version.</returns>
    /// <exception cref="JobNotFoundException">No job has that id.</exception>
    /// <exception cref="JobConcurrencyException">The job was changed since that version.</exception>
    ValueTask<Job> UpdateAsync(Job job, CancellationToken cancellationToken = default);

    /// <summary>Gets a job's latest snapshot.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The job, or null when there is none with that id.</returns>
    ValueTask<Job?> GetAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Appends an event to a job's history.</summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="jobEvent">The event.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the event is stored.</returns>
    /// <exception cref="JobNotFoundException">No job has that id.</exception>
    ValueTask AppendEventAsync(Guid jobId, JobEvent jobEvent, CancellationToken cancellationToken = default);

    /// <summary>Gets a job's history, oldest first.</summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The events; empty for an unknown job.</returns>
    ValueTask<IReadOnlyList<JobEvent>> GetHistoryAsync(Guid jobId, CancellationToken cancellationToken = default);

    /// <summary>Finds jobs, newest first.</summary>
    /// <param name="query">The filters and page.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The matching jobs.</returns>
    IAsyncEnumerable<Job> QueryAsync(JobQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a finished job, its history and its change records, and appends a <c>deleted</c> entry to the audit
    /// history, which outlives the job. The check that it has finished and the deletion are one step: a job queued
    /// again at the same moment (a commit, a resume) is not deleted.
    /// </summary>
    /// <param name="id">The job's id.</param>
    /// <param name="actor">Who deletes it, for the audit history.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when a job was deleted.</returns>
    /// <exception cref="JobNotFinishedException">The job is queued or running: rows it may still write would have nothing left to roll them back.</exception>
    ValueTask<bool> DeleteAsync(Guid id, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>Reads the audit history across jobs (deleted ones included), newest first.</summary>
    /// <param name="query">The actor, job and time filters and the page.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The matching entries.</returns>
    IAsyncEnumerable<JobAuditEntry> QueryHistoryAsync(JobHistoryQuery query, CancellationToken cancellationToken = default);
}

/// <summary>Filters and a page for <see cref="IJobStore.QueryAsync"/>; null filters match everything.</summary>
public sealed record JobQuery
{
    /// <summary>Only jobs of this owner.</summary>
    public string? Owner { get; init; }

    /// <summary>Only jobs of this tenant.</summary>
    public string? Tenant { get; init; }

    /// <summary>Only jobs in this status.</summary>
    public JobStatus? Status { get; init; }

    /// <summary>Only jobs of this kind.</summary>
    public JobKind? Kind { get; init; }

    /// <summary>Only jobs created at or after this time.</summary>
    public DateTimeOffset? CreatedFrom { get; init; }

    /// <summary>Only jobs created before this time.</summary>
    public DateTimeOffset? CreatedBefore { get; init; }

    /// <summary>How many matching jobs to skip. Default: 0.</summary>
    public int Skip { get; init; }

    /// <summary>The most jobs to return. Default: 100.</summary>
    public int Take { get; init; } = 100;

    /// <summary>True when a job passes every filter.</summary>
    /// <param name="job">The job.</param>
    /// <returns>Whether it matches.</returns>
    public bool Matches(Job job) =>
        (Owner is null || job.Owner == Owner)
        && (Tenant is null || job.Tenant == Tenant)
        && (Status is null || job.Status == Status)
        && (Kind is null || job.Kind == Kind)
        && (CreatedFrom is null || job.CreatedAt >= CreatedFrom)
        && (CreatedBefore is null || job.CreatedAt < CreatedBefore);
}

/// <summary>One entry of the audit history, with the job it belongs to.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Event">What happened.</param>
public sealed record JobAuditEntry(Guid JobId, JobEvent Event);

/// <summary>Filters and a page for <see cref="IJobStore.QueryHistoryAsync"/>; null filters match everything.</summary>
public sealed record JobHistoryQuery
{
    /// <summary>Only entries by this actor (an owner, or whoever acted on the job).</summary>
    public string? Actor { get; init; }

    /// <summary>Only entries of this job.</summary>
    public Guid? JobId { get; init; }

    /// <summary>Only entries at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only entries before this time.</summary>
    public DateTimeOffset? Before { get; init; }

    /// <summary>How many matching entries to skip. Default: 0.</summary>
    public int Skip { get; init; }

    /// <summary>The most entries to return. Default: 100.</summary>
    public int Take { get; init; } = 100;

    /// <summary>True when an entry passes every filter.</summary>
    /// <param name="entry">The entry.</param>
    /// <returns>Whether it matches.</returns>
    public bool Matches(JobAuditEntry entry) =>
        entry is not null
        && (Actor is null || entry.Event.Actor == Actor)
        && (JobId is null || entry.JobId == JobId)
        && (From is null || entry.Event.At >= From)
        && (Before is null || entry.Event.At < Before);
}

/// <summary>Helpers over any <see cref="IJobStore"/>.</summary>
public static class JobStoreExtensions
{
    /// <summary>
    /// Reads a job, applies a change and saves it, reading and reapplying the change again whenever another
    /// writer got there first. The change must be a pure function of the job it is given.
    /// </summary>
    /// <param name="store">The store.</param>
    /// <param name="jobId">The job.</param>
    /// <param name="change">Computes the new snapshot from the current one.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>The job as stored.</returns>
    /// <exception cref="JobNotFoundException">No job has that id.</exception>
    public static async ValueTask<Job> UpdateAsync(this IJobStore store, Guid jobId, Func<Job, Job> change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(change);
        while (true)
        {
            var current = await store.GetAsync(jobId, cancellationToken).ConfigureAwait(false) ?? throw new JobNotFoundException(jobId);
            try
            {
                return await store.UpdateAsync(change(current) with { Id = current.Id, Version = current.Version }, cancellationToken).ConfigureAwait(false);
            }
            catch (JobConcurrencyException)
            {
                // Another writer saved first: read its version and apply the change to it.
            }
        }
    }

    /// <summary>Deletes finished jobs created before a time, with their history and stored files: a retention policy.</summary>
    /// <param name="store">The store.</param>
    /// <param name="createdBefore">Jobs created before this time are deleted, if finished.</param>
    /// <param name="actor">Who expires them, for the audit history.</param>
    /// <param name="files">The file store holding queued jobs' uploads, which expire with their jobs; null when there is none.</param>
    /// <param name="cancellationToken">Cancels the expiry.</param>
    /// <returns>The number of jobs deleted.</returns>
    public static async ValueTask<int> ExpireAsync(this IJobStore store, DateTimeOffset createdBefore, string? actor = null, IFileStore? files = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var deleted = 0;
        while (true)
        {
            var page = await store.QueryAsync(new JobQuery { CreatedBefore = createdBefore, Take = 500 }, cancellationToken)
                .Where(j => j.IsFinished).ToListAsync(cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                return deleted;
            }

            foreach (var job in page)
            {
                try
                {
                    deleted += await QueuedJobControl.DeleteWithFilesAsync(store, job, actor, files, cancellationToken).ConfigureAwait(false) ? 1 : 0;
                }
                catch (JobNotFinishedException)
                {
                    // Queued again since the page was read: it is no longer expired.
                }
            }
        }
    }
}
