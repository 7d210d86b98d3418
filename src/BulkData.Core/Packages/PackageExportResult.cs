using BulkData.Jobs;

namespace BulkData.Packages;

/// <summary>The outcome of a package export.</summary>
public sealed class PackageExportResult
{
    internal PackageExportResult(Job job, IReadOnlyDictionary<string, long> rows)
    {
        Job = job;
        Rows = rows;
    }

    /// <summary>The job as it ended.</summary>
    public Job Job { get; }

    /// <summary>The job's id.</summary>
    public Guid JobId => Job.Id;

    /// <summary>The job's final status.</summary>
    public JobStatus Status => Job.Status;

    /// <summary>True when the package was written whole.</summary>
    public bool Succeeded => Status == JobStatus.Completed;

    /// <summary>The rows written per resource, by the resource's name in the package.</summary>
    public IReadOnlyDictionary<string, long> Rows { get; }
}
