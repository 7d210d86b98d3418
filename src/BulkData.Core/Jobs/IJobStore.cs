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
    /// <returns>A task that completes when the job is stored.</returns>
    ValueTask CreateAsync(Job job, CancellationToken cancellationToken = default);

    /// <summary>Replaces a job's snapshot with a newer one.</summary>
    /// <param name="job">The job, with the same <see cref="Job.Id"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the job is stored.</returns>
    /// <exception cref="KeyNotFoundException">No job has that id.</exception>
    ValueTask UpdateAsync(Job job, CancellationToken cancellationToken = default);

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
    /// <exception cref="KeyNotFoundException">No job has that id.</exception>
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

    /// <summary>Deletes a job and its history.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when a job was deleted.</returns>
    ValueTask<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default);
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
