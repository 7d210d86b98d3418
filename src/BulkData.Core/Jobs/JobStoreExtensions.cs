namespace BulkData.Jobs;

/// <summary>Helpers over any <see cref="IJobStore"/>.</summary>
public static class JobStoreExtensions
{
    /// <summary>How many times <see cref="UpdateAsync(IJobStore, Guid, Func{Job, Job}, CancellationToken)"/> reads and saves before it gives up.</summary>
    public const int UpdateAttempts = 16;

    /// <summary>
    /// Reads a job, applies a change and saves it, reading and reapplying the change again whenever another
    /// writer got there first, at most <see cref="UpdateAttempts"/> times. The change must be a pure function of the
    /// job it is given.
    /// </summary>
    /// <param name="store">The store.</param>
    /// <param name="jobId">The job.</param>
    /// <param name="change">Computes the new snapshot from the current one.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>The job as stored.</returns>
    /// <exception cref="JobNotFoundException">No job has that id.</exception>
    /// <exception cref="JobConcurrencyException">Other writers saved first every time.</exception>
    public static async ValueTask<Job> UpdateAsync(this IJobStore store, Guid jobId, Func<Job, Job> change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 1; ; attempt++)
        {
            var current = await store.GetAsync(jobId, cancellationToken).ConfigureAwait(false) ?? throw new JobNotFoundException(jobId);
            try
            {
                return await store.UpdateAsync(change(current) with { Id = current.Id, Version = current.Version }, cancellationToken).ConfigureAwait(false);
            }
            catch (JobConcurrencyException) when (attempt < UpdateAttempts)
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
