namespace BulkData.Jobs;

/// <summary>
/// Runs one stored, queued job in this process: what a runner calls when one of its workers takes the job.
/// A job already finished is left alone, and a partial import resumes after its last committed batch, so
/// calling it again for a job whose worker died is safe.
/// </summary>
public interface IQueuedJobExecutor
{
    /// <summary>Runs (or resumes) the job until it ends.</summary>
    /// <param name="jobId">The job, in the job store with its file in the file store.</param>
    /// <param name="cancellationToken">Stops the job where it is (the process is stopping); it stays unfinished, to be taken up again.</param>
    /// <returns>A task that completes when the job has ended or stopped.</returns>
    Task RunAsync(Guid jobId, CancellationToken cancellationToken = default);
}
