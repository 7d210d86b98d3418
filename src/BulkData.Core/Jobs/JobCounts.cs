namespace BulkData.Jobs;

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
