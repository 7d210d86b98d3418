using System.Collections.Concurrent;

namespace BulkData.Jobs;

/// <summary>
/// The default job store: thread-safe, in process memory, lost on restart. Use a durable store
/// when jobs must outlive the process or be shared between servers.
/// </summary>
public sealed class InMemoryJobStore : IJobStore
{
    private readonly ConcurrentDictionary<Guid, Entry> jobs = new();

    /// <inheritdoc/>
    public ValueTask<Job> CreateAsync(Job job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var stored = job with { Version = 1 };
        if (!jobs.TryAdd(job.Id, new Entry(stored)))
        {
            throw new InvalidOperationException($"A job with id {job.Id} already exists.");
        }

        return ValueTask.FromResult(stored);
    }

    /// <inheritdoc/>
    public ValueTask<Job> UpdateAsync(Job job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var entry = Find(job.Id);
        lock (entry)
        {
            if (entry.Job.Version != job.Version)
            {
                throw new JobConcurrencyException(job.Id, job.Version);
            }

            entry.Job = job with { Version = job.Version + 1 };
            return ValueTask.FromResult(entry.Job);
        }
    }

    /// <inheritdoc/>
    public ValueTask<Job?> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(jobs.TryGetValue(id, out var entry) ? entry.Job : null);

    /// <inheritdoc/>
    public ValueTask AppendEventAsync(Guid jobId, JobEvent jobEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobEvent);
        var entry = Find(jobId);
        lock (entry.History)
        {
            entry.History.Add(jobEvent);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<JobEvent>> GetHistoryAsync(Guid jobId, CancellationToken cancellationToken = default)
    {
        if (!jobs.TryGetValue(jobId, out var entry))
        {
            return ValueTask.FromResult<IReadOnlyList<JobEvent>>([]);
        }

        lock (entry.History)
        {
            return ValueTask.FromResult<IReadOnlyList<JobEvent>>(entry.History.ToArray());
        }
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<Job> QueryAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return jobs.Values.Select(e => e.Job).Where(query.Matches)
            .OrderByDescending(j => j.CreatedAt).ThenBy(j => j.Id)
            .Skip(query.Skip).Take(query.Take)
            .ToAsyncEnumerable();
    }

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(jobs.TryRemove(id, out _));

    private Entry Find(Guid id) =>
        jobs.TryGetValue(id, out var entry) ? entry : throw new KeyNotFoundException($"No job has id {id}.");

    private sealed class Entry(Job job)
    {
        public Job Job { get; set; } = job;

        public List<JobEvent> History { get; } = [];
    }
}
