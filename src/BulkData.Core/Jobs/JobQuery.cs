namespace BulkData.Jobs;

/// <summary>Filters and a page for <see cref="IJobStore.QueryAsync"/>; null filters match everything.</summary>
public sealed record JobQuery
{
    /// <summary>Only jobs of this owner.</summary>
    public string? Owner { get; init; }

    /// <summary>Only jobs of this tenant.</summary>
    public string? Tenant { get; init; }

    /// <summary>Only jobs in this status.</summary>
    public JobStatus? Status { get; init; }

    /// <summary>Only jobs of this kind.</summary>
    public JobKind? Kind { get; init; }

    /// <summary>Only jobs created at or after this time.</summary>
    public DateTimeOffset? CreatedFrom { get; init; }

    /// <summary>Only jobs created before this time.</summary>
    public DateTimeOffset? CreatedBefore { get; init; }

    /// <summary>How many matching jobs to skip. Default: 0.</summary>
    public int Skip { get; init; }

    /// <summary>The most jobs to return. Default: 100.</summary>
    public int Take { get; init; } = 100;

    /// <summary>True when a job passes every filter.</summary>
    /// <param name="job">The job.</param>
    /// <returns>Whether it matches.</returns>
    public bool Matches(Job job) =>
        (Owner is null || job.Owner == Owner)
        && (Tenant is null || job.Tenant == Tenant)
        && (Status is null || job.Status == Status)
        && (Kind is null || job.Kind == Kind)
        && (CreatedFrom is null || job.CreatedAt >= CreatedFrom)
        && (CreatedBefore is null || job.CreatedAt < CreatedBefore);
}
