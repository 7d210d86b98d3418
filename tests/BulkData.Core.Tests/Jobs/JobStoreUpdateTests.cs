using BulkData.Jobs;

namespace BulkData.Core.Tests.Jobs;

/// <summary>Issue 24 item 2: a read-change-save of a job retries a bounded number of times, never forever.</summary>
public sealed class JobStoreUpdateTests
{
    /// <summary>A store where another writer always saves first.</summary>
    private sealed class AlwaysChangedElsewhere(IJobStore inner) : IJobStore
    {
        public int Updates { get; private set; }

        public ValueTask<Job> CreateAsync(Job job, CancellationToken cancellationToken = default) => inner.CreateAsync(job, cancellationToken);

        public ValueTask<Job> UpdateAsync(Job job, CancellationToken cancellationToken = default)
        {
            Updates++;
            throw new JobConcurrencyException(job.Id, job.Version);
        }

        public ValueTask<Job?> GetAsync(Guid id, CancellationToken cancellationToken = default) => inner.GetAsync(id, cancellationToken);

        public ValueTask AppendEventAsync(Guid jobId, JobEvent jobEvent, CancellationToken cancellationToken = default) => inner.AppendEventAsync(jobId, jobEvent, cancellationToken);

        public ValueTask<IReadOnlyList<JobEvent>> GetHistoryAsync(Guid jobId, CancellationToken cancellationToken = default) => inner.GetHistoryAsync(jobId, cancellationToken);

        public IAsyncEnumerable<Job> QueryAsync(JobQuery query, CancellationToken cancellationToken = default) => inner.QueryAsync(query, cancellationToken);

        public ValueTask<bool> DeleteAsync(Guid id, string? actor = null, CancellationToken cancellationToken = default) => inner.DeleteAsync(id, actor, cancellationToken);

        public IAsyncEnumerable<JobAuditEntry> QueryHistoryAsync(JobHistoryQuery query, CancellationToken cancellationToken = default) => inner.QueryHistoryAsync(query, cancellationToken);
    }

    [Fact(Timeout = 10_000)]
    public async Task UpdateAsync_AgainstAWriterThatAlwaysWins_GivesUpWithTheConflict()
    {
        var store = new AlwaysChangedElsewhere(new InMemoryJobStore(TimeProvider.System));
        var job = await store.CreateAsync(new Job { Id = Guid.CreateVersion7(), Kind = JobKind.Import, Resource = "r" });

        await Assert.ThrowsAsync<JobConcurrencyException>(async () => await store.UpdateAsync(job.Id, j => j with { CancelRequested = true }));

        Assert.Equal(JobStoreExtensions.UpdateAttempts, store.Updates);
    }
}
