namespace BulkData.Jobs;

/// <summary>
/// Runs stored, queued jobs on workers. The in-process runner (<c>UseInProcessRunner</c>) is the default;
/// a clustered engine implements it to spread jobs over many processes.
/// </summary>
public interface IJobRunner
{
    /// <summary>Hands a job in <see cref="JobStatus.Queued"/> to a worker; returns at once.</summary>
    /// <param name="jobId">The job, already in the job store with its file in the file store.</param>
    /// <param name="cancellationToken">Cancels handing it over (not the job).</param>
    /// <returns>A task that completes when the job is queued.</returns>
    ValueTask EnqueueAsync(Guid jobId, CancellationToken cancellationToken = default);
}
