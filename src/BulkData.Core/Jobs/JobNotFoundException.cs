namespace BulkData.Jobs;

/// <summary>
/// Thrown when a job is asked for (read to change it, cancelled, resumed, rolled back, its files opened) and there is
/// no job of that id, or none the caller's scope may see: the two are not told apart, so a caller learns nothing of
/// another tenant's jobs.
/// </summary>
public sealed class JobNotFoundException : BulkDataException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="jobId">The job asked for.</param>
    /// <param name="message">What was not found; null for "There is no job {id}."</param>
    public JobNotFoundException(Guid jobId, string? message = null)
        : base(message ?? $"There is no job {jobId}.")
    {
        JobId = jobId;
    }
}
