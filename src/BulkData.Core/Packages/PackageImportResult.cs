using BulkData.Jobs;

namespace BulkData.Packages;

/// <summary>The outcome of a package import or preview.</summary>
public sealed class PackageImportResult
{
    internal PackageImportResult(Job job, IReadOnlyList<PackageResourceResult> resources)
    {
        Job = job;
        Resources = resources;
    }

    /// <summary>The package's job as it ended; its counts sum the resources'.</summary>
    public Job Job { get; }

    /// <summary>The job's id: roll the package back with it.</summary>
    public Guid JobId => Job.Id;

    /// <summary>The job's final status.</summary>
    public JobStatus Status => Job.Status;

    /// <summary>True when every row of every resource was imported (or, for a preview, would be).</summary>
    public bool Succeeded => Status is JobStatus.Completed or JobStatus.Validated;

    /// <summary>Why it failed, when it did.</summary>
    public string? FailureReason => Job.FailureReason;

    /// <summary>The resources in the order they were imported; after a failure, those read up to the one that failed.</summary>
    public IReadOnlyList<PackageResourceResult> Resources { get; }

    /// <summary>The result of a resource by its name in the package.</summary>
    /// <param name="name">The resource's name, e.g. <c>account</c>.</param>
    /// <returns>Its result.</returns>
    /// <exception cref="KeyNotFoundException">No resource of the package has that name.</exception>
    public PackageResourceResult this[string name] =>
#pragma warning disable RS0030 // An indexer by name throws what a dictionary's does; jobs and files have their own exceptions.
        Resources.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)) ?? throw new KeyNotFoundException($"The package has no resource '{name}'.");
#pragma warning restore RS0030
}
