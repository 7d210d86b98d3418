using BulkData.Jobs;

namespace BulkData.Core.Tests.Jobs;

/// <summary>Issue 24 item 2: a read-change-save of a job retries a bounded number of times, never forever.</summary>
public sealed class JobStoreUpdateTests
{
    /// <summary>A store where another writer always saves first.</summary>
    private sealed class AlwaysChangedElsewhere : DelegatingJobStore
    {
        public int Updates { get; private set; }

        public override ValueTask<Job> UpdateAsync(Job job, CancellationToken cancellationToken = default)
        {
            Updates++;
            throw new JobConcurrencyException(job.Id, job.Version);
        }
    }

    [Fact(Timeout = 10_000)]
    public async Task UpdateAsync_AgainstAWriterThatAlwaysWins_GivesUpWithTheConflict()
    {
        var store = new AlwaysChangedElsewhere();
        var job = await store.CreateAsync(new Job { Id = Guid.CreateVersion7(), Kind = JobKind.Import, Resource = "r" });

        await Assert.ThrowsAsync<JobConcurrencyException>(async () => await store.UpdateAsync(job.Id, j => j with { CancelRequested = true }));

        Assert.Equal(JobStoreExtensions.UpdateAttempts, store.Updates);
    }
}
