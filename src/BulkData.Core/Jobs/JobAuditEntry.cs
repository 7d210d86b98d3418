namespace BulkData.Jobs;

/// <summary>One entry of the audit history, with the job it belongs to.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Event">What happened.</param>
public sealed record JobAuditEntry(Guid JobId, JobEvent Event);
