namespace BulkData.AspNetCore;

/// <summary>The answer to a queued import or export: its job, to poll at the <c>Location</c> given.</summary>
/// <param name="JobId">The job's id.</param>
public sealed record JobAccepted(Guid JobId);
