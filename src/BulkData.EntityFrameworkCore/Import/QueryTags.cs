namespace BulkData.EntityFrameworkCore.Import;

/// <summary>The tags (SQL comments) on the queries the import target sends, so that logs and command interceptors can tell them apart.</summary>
internal static class QueryTags
{
    /// <summary>The lookup of existing records by import key: the first statement of every batch (and the read-back of records a COPY inserted).</summary>
    public const string ExistingRecords = "BulkData: the batch's existing records";

    /// <summary>A lookup column's referenced records, found by natural key once per batch (<see cref="ReferenceQueries"/>).</summary>
    public const string ReferencedRecords = "BulkData: the batch's referenced records";
}
