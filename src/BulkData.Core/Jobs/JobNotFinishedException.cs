namespace BulkData.Jobs;

/// <summary>
/// Thrown by <see cref="IJobStore.DeleteAsync"/> for a job that is queued or running: rows it may still write would
/// have nothing left to roll them back. Cancel the job, and delete it once it has stopped.
/// </summary>
public sealed class JobNotFinishedException : BulkDataException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="status">The job's status when it was to be deleted.</param>
    public JobNotFinishedException(Guid jobId, JobStatus status)
        : base($"Job {jobId} is {status}; cancel it and delete it once it has stopped.")
    {
        JobId = jobId;
        Status = status;
    }

    /// <summary>The job's status when it was to be deleted.</summary>
    public JobStatus Status { get; }
}
