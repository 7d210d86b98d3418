namespace BulkData.EntityFrameworkCore.Import;

/// <summary>The tags (SQL comments) on the queries the import target sends, so that logs and command interceptors can tell them apart.</summary>
internal static class QueryTags
{
    /// <summary>Each batch's lookup of its existing records: the first statement of every batch.</summary>
    public const string ExistingRecords = "BulkData: the batch's existing records";
}
