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
