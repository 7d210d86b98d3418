using BulkData.Validation;

namespace BulkData.Jobs;

/// <summary>
/// A snapshot of one import or export job. Jobs are immutable records: a store keeps the latest
/// snapshot, and its history separately.
/// </summary>
public sealed record Job
{
    /// <summary>The job's identifier.</summary>
    public required Guid Id { get; init; }

    /// <summary>What the job does.</summary>
    public required JobKind Kind { get; init; }

    /// <summary>The resource's name.</summary>
    public required string Resource { get; init; }

    /// <summary>The file format, e.g. <c>csv</c>.</summary>
    public string? Format { get; init; }

    /// <summary>The file name, when known.</summary>
    public string? FileName { get; init; }

    /// <summary>Who started the job.</summary>
    public string? Owner { get; init; }

    /// <summary>The tenant the job belongs to.</summary>
    public string? Tenant { get; init; }

    /// <summary>The job's status.</summary>
    public JobStatus Status { get; init; }

    /// <summary>How far the job has got.</summary>
    public JobProgress Progress { get; init; } = new(0, null, "pending");

    /// <summary>What happened to the rows.</summary>
    public JobCounts Counts { get; init; } = new();

    /// <summary>The errors found, up to the import's error cap.</summary>
    public IReadOnlyList<RowError> Errors { get; init; } = [];

    /// <summary>All errors found, including those past the cap.</summary>
    public long ErrorCount { get; init; }

    /// <summary>Warnings, such as unmapped columns.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Why the job failed, when it did.</summary>
    public string? FailureReason { get; init; }

    /// <summary>The caller's parameters (options, mappings) as text.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>When the job was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the job started reading.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the job reached a final status.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>
    /// The snapshot's version in its store, raised by every update. A store refuses an update made from an
    /// older version (<see cref="JobConcurrencyException"/>), so concurrent writers never lose each other's changes.
    /// </summary>
    public long Version { get; init; }

    /// <summary>The last data row whose batch was committed, for resuming after a crash; 0 before the first commit.</summary>
    public long Checkpoint { get; init; }

    /// <summary>
    /// True once someone asked to cancel the job (from any process): the running worker stops at its next
    /// batch, keeping what partial batches committed, and the job ends <see cref="JobStatus.Cancelled"/>.
    /// </summary>
    public bool CancelRequested { get; init; }

    /// <summary>True once the job can change no further (except by a rollback).</summary>
    public bool IsFinished => Status is JobStatus.Validated or JobStatus.ValidationFailed or JobStatus.Completed
        or JobStatus.CompletedWithErrors or JobStatus.Failed or JobStatus.Cancelled or JobStatus.RolledBack;
}
