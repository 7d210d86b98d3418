using System.Collections.Concurrent;

namespace BulkData.Jobs;

/// <summary>
/// The default job store: thread-safe, in process memory, lost on restart. Use a durable store
/// when jobs must outlive the process or be shared between servers.
/// </summary>
public sealed class InMemoryJobStore : IJobStore
{
    private readonly ConcurrentDictionary<Guid, Entry> jobs = new();
    private readonly ConcurrentQueue<JobAuditEntry> deletions = new();
    private readonly TimeProvider time;

    /// <summary>Creates a store on the system clock.</summary>
    public InMemoryJobStore()
        : this(TimeProvider.System)
    {
    }

    /// <summary>Creates a store whose deletion entries are timed by <paramref name="time"/>.</summary>
    /// <param name="time">The clock.</param>
    public InMemoryJobStore(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        this.time = time;
    }

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
    public ValueTask<bool> DeleteAsync(Guid id, string? actor = null, CancellationToken cancellationToken = default)
    {
        if (!jobs.TryGetValue(id, out var entry))
        {
            return ValueTask.FromResult(false);
        }

        lock (entry)
        {
            // Under the lock an update takes, so a job cannot be queued again between the check and the removal.
            if (!entry.Job.IsFinished)
            {
                throw new JobNotFinishedException(id, entry.Job.Status);
            }

            if (!jobs.TryRemove(KeyValuePair.Create(id, entry)))
            {
                return ValueTask.FromResult(false);
            }
        }

        deletions.Enqueue(new JobAuditEntry(id, new JobEvent(time.GetUtcNow(), "deleted", entry.Job.Status, actor, $"{entry.Job.Kind} of {entry.Job.Resource} deleted")));
        return ValueTask.FromResult(true);
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<JobAuditEntry> QueryHistoryAsync(JobHistoryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var entries = jobs.SelectMany(pair =>
        {
            lock (pair.Value.History)
            {
                return pair.Value.History.Select(e => new JobAuditEntry(pair.Key, e)).ToArray();
            }
        });
        return entries.Concat(deletions).Where(query.Matches)
            .OrderByDescending(e => e.Event.At).ThenBy(e => e.JobId)
            .Skip(query.Skip).Take(query.Take)
            .ToAsyncEnumerable();
    }

    private Entry Find(Guid id) =>
        jobs.TryGetValue(id, out var entry) ? entry : throw new JobNotFoundException(id);

    private sealed class Entry(Job job)
    {
        public Job Job { get; set; } = job;

        public List<JobEvent> History { get; } = [];
    }
}
