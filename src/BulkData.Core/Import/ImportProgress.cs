using BulkData.Jobs;
using BulkData.Validation;

namespace BulkData.Import;

/// <summary>An import's state once a transaction commits: where a resumed import starts, and what it had done.</summary>
/// <param name="LastRow">The last data row read: every row up to it is committed or was reported invalid.</param>
/// <param name="Counts">The job's counts, this commit's rows included.</param>
/// <param name="ErrorCount">Every row error found so far.</param>
/// <param name="Errors">The errors kept on the job so far.</param>
public sealed record ImportProgress(long LastRow, JobCounts Counts, long ErrorCount, IReadOnlyList<RowError> Errors);
