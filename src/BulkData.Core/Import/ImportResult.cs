using BulkData.Import;
using BulkData.Jobs;
using BulkData.Mapping;
using BulkData.Validation;

namespace BulkData;

/// <summary>The outcome of an import, dry run or preview: its job, mapping, counts, errors and row outcomes.</summary>
public class ImportResult
{
    internal ImportResult(Job job, ColumnMapping? mapping, IReadOnlyList<RowOutcome> rows)
    {
        Job = job;
        Mapping = mapping;
        Rows = rows;
    }

    /// <summary>The job as it ended.</summary>
    public Job Job { get; }

    /// <summary>The job's id, to look it up later in the job store.</summary>
    public Guid JobId => Job.Id;

    /// <summary>The job's final status.</summary>
    public JobStatus Status => Job.Status;

    /// <summary>True when every row was valid and, for an import, committed.</summary>
    public bool Succeeded => Status is JobStatus.Completed or JobStatus.Validated;

    /// <summary>The header mapping used; null when the file had no header.</summary>
    public ColumnMapping? Mapping { get; }

    /// <summary>What happened to the rows.</summary>
    public JobCounts Counts => Job.Counts;

    /// <summary>The errors found, up to <see cref="ImportOptions.MaxErrors"/>.</summary>
    public IReadOnlyList<RowError> Errors => Job.Errors;

    /// <summary>All errors found, including those past the cap.</summary>
    public long ErrorCount => Job.ErrorCount;

    /// <summary>Warnings, such as unmapped columns.</summary>
    public IReadOnlyList<string> Warnings => Job.Warnings;

    /// <summary>Why the job failed, when it did.</summary>
    public string? FailureReason => Job.FailureReason;

    /// <summary>What became of each row, in file order (empty when <see cref="ImportOptions.RecordRowOutcomes"/> is off).</summary>
    public IReadOnlyList<RowOutcome> Rows { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Job.Kind} {Status}: {Counts.Read} read, {Counts.Valid} valid, {Counts.Invalid} invalid, {Counts.Created} created, {Counts.Updated} updated, {Counts.Skipped} skipped, {ErrorCount} errors";
}
