namespace BulkData.Jobs;

/// <summary>How far a job has got.</summary>
/// <param name="RowsProcessed">Rows read so far.</param>
/// <param name="TotalRows">The number of rows, when the source knows it up front.</param>
/// <param name="Phase">What the job is doing, e.g. <c>reading header</c>, <c>importing</c>, <c>done</c>.</param>
public sealed record JobProgress(long RowsProcessed, long? TotalRows, string Phase);
