namespace BulkData.Jobs;

/// <summary>
/// Thrown by <see cref="IJobStore.UpdateAsync"/> when the job changed since the snapshot being saved was read.
/// Read the job again and reapply the change, or use <see cref="JobStoreExtensions.UpdateAsync(IJobStore, Guid, Func{Job, Job}, CancellationToken)"/>.
/// </summary>
public sealed class JobConcurrencyException : BulkDataException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="expectedVersion">The version the update was made from.</param>
    public JobConcurrencyException(Guid jobId, long expectedVersion)
        : base($"Job {jobId} was changed by someone else since version {expectedVersion} was read; read it again and retry.")
    {
        JobId = jobId;
    }
}
