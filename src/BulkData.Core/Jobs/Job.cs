using BulkData.Validation;

namespace BulkData.Jobs;

/// <summary>What a job does.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<JobKind>))]
public enum JobKind
{
    /// <summary>Reads and validates the first rows; writes nothing.</summary>
    Preview,

    /// <summary>Reads and validates every row; writes nothing.</summary>
    DryRun,

    /// <summary>Reads, validates and commits rows to a target.</summary>
    Import,

    /// <summary>Writes a resource's rows out to a file.</summary>
    Export,
}

/// <summary>Where a job is in its lifecycle.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<JobStatus>))]
public enum JobStatus
{
    /// <summary>Created, not started.</summary>
    Pending,

    /// <summary>Stored with its file and waiting for a runner to start it.</summary>
    Queued,

    /// <summary>Reading and validating rows (previews and dry runs).</summary>
    Validating,

    /// <summary>A preview or dry run found no errors.</summary>
    Validated,

    /// <summary>The header or rows have errors; nothing was written.</summary>
    ValidationFailed,

    /// <summary>Reading, validating and committing rows.</summary>
    Processing,

    /// <summary>Every row was committed.</summary>
    Completed,

    /// <summary>Valid rows were committed; invalid rows were reported (partial mode).</summary>
    CompletedWithErrors,

    /// <summary>Stopped by an unreadable file, a failing target or the error threshold.</summary>
    Failed,

    /// <summary>Cancelled by its caller.</summary>
    Cancelled,

    /// <summary>Committed, then undone.</summary>
    RolledBack,
}

/// <summary>How far a job has got.</summary>
/// <param name="RowsProcessed">Rows read so far.</param>
/// <param name="TotalRows">The number of rows, when the source knows it up front.</param>
/// <param name="Phase">What the job is doing, e.g. <c>reading header</c>, <c>importing</c>, <c>done</c>.</param>
public sealed record JobProgress(long RowsProcessed, long? TotalRows, string Phase);

/// <summary>What happened to the rows of a job.</summary>
/// <param name="Read">Rows read (blank rows are not counted).</param>
/// <param name="Valid">Rows that passed conversion and validation.</param>
/// <param name="Invalid">Rows with at least one error.</param>
/// <param name="Created">Rows committed as new records.</param>
/// <param name="Updated">Rows committed over existing records.</param>
/// <param name="Skipped">Valid rows not written, for any of the three reasons that follow (their sum).</param>
/// <param name="Unchanged">Rows whose record already held the same values.</param>
/// <param name="Existing">Rows whose record existed and was kept (merge strategy <c>SkipExisting</c>).</param>
/// <param name="Duplicates">Rows whose key an earlier row of the file had, left out by the duplicate-key policy.</param>
public sealed record JobCounts(long Read = 0, long Valid = 0, long Invalid = 0, long Created = 0, long Updated = 0, long Skipped = 0, long Unchanged = 0, long Existing = 0, long Duplicates = 0)
{
    /// <summary>Rows written to the target.</summary>
    public long Committed => Created + Updated;
}

/// <summary>One entry of a job's append-only history.</summary>
/// <param name="At">When it happened.</param>
/// <param name="Action">What happened, e.g. <c>created</c>, <c>started</c>, <c>completed</c>.</param>
/// <param name="Status">The job's status afterwards.</param>
/// <param name="Actor">Who did it (the job's owner unless someone else acted).</param>
/// <param name="Details">More about it, for people.</param>
public sealed record JobEvent(DateTimeOffset At, string Action, JobStatus Status, string? Actor = null, string? Details = null);

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
