using BulkData.Jobs;

namespace BulkData.Core.Tests.Jobs;

/// <summary>An in-memory job store whose calls a test overrides one at a time (to count, fail or conflict).</summary>
public abstract class DelegatingJobStore : IJobStore
{
    /// <summary>The store the calls go to.</summary>
    protected InMemoryJobStore Inner { get; } = new();

    public virtual ValueTask<Job> CreateAsync(Job job, CancellationToken cancellationToken = default) => Inner.CreateAsync(job, cancellationToken);

    public virtual ValueTask<Job> UpdateAsync(Job job, CancellationToken cancellationToken = default) => Inner.UpdateAsync(job, cancellationToken);

    public ValueTask<Job?> GetAsync(Guid id, CancellationToken cancellationToken = default) => Inner.GetAsync(id, cancellationToken);

    public ValueTask AppendEventAsync(Guid jobId, JobEvent jobEvent, CancellationToken cancellationToken = default) => Inner.AppendEventAsync(jobId, jobEvent, cancellationToken);

    public ValueTask<IReadOnlyList<JobEvent>> GetHistoryAsync(Guid jobId, CancellationToken cancellationToken = default) => Inner.GetHistoryAsync(jobId, cancellationToken);

    public IAsyncEnumerable<Job> QueryAsync(JobQuery query, CancellationToken cancellationToken = default) => Inner.QueryAsync(query, cancellationToken);

    public ValueTask<bool> DeleteAsync(Guid id, string? actor = null, CancellationToken cancellationToken = default) => Inner.DeleteAsync(id, actor, cancellationToken);

    public IAsyncEnumerable<JobAuditEntry> QueryHistoryAsync(JobHistoryQuery query, CancellationToken cancellationToken = default) => Inner.QueryHistoryAsync(query, cancellationToken);
}
