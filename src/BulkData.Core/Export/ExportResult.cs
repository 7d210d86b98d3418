using BulkData.Jobs;

namespace BulkData;

/// <summary>The outcome of an export.</summary>
public sealed class ExportResult
{
    internal ExportResult(Job job)
    {
        Job = job;
    }

    /// <summary>The job as it ended.</summary>
    public Job Job { get; }

    /// <summary>The job's id.</summary>
    public Guid JobId => Job.Id;

    /// <summary>The job's final status.</summary>
    public JobStatus Status => Job.Status;

    /// <summary>The rows written.</summary>
    public long Rows => Job.Counts.Read;

    /// <summary>True when every row was written.</summary>
    public bool Succeeded => Status == JobStatus.Completed;
}
