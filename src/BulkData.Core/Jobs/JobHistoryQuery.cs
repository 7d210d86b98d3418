namespace BulkData.Jobs;

/// <summary>Filters and a page for <see cref="IJobStore.QueryHistoryAsync"/>; null filters match everything.</summary>
public sealed record JobHistoryQuery
{
    /// <summary>Only entries by this actor (an owner, or whoever acted on the job).</summary>
    public string? Actor { get; init; }

    /// <summary>Only entries of this job.</summary>
    public Guid? JobId { get; init; }

    /// <summary>Only entries at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only entries before this time.</summary>
    public DateTimeOffset? Before { get; init; }

    /// <summary>How many matching entries to skip. Default: 0.</summary>
    public int Skip { get; init; }

    /// <summary>The most entries to return. Default: 100.</summary>
    public int Take { get; init; } = 100;

    /// <summary>True when an entry passes every filter.</summary>
    /// <param name="entry">The entry.</param>
    /// <returns>Whether it matches.</returns>
    public bool Matches(JobAuditEntry entry) =>
        entry is not null
        && (Actor is null || entry.Event.Actor == Actor)
        && (JobId is null || entry.JobId == JobId)
        && (From is null || entry.Event.At >= From)
        && (Before is null || entry.Event.At < Before);
}
