namespace BulkData.Jobs;

/// <summary>One entry of a job's append-only history.</summary>
/// <param name="At">When it happened.</param>
/// <param name="Action">What happened, e.g. <c>created</c>, <c>started</c>, <c>completed</c>.</param>
/// <param name="Status">The job's status afterwards.</param>
/// <param name="Actor">Who did it (the job's owner unless someone else acted).</param>
/// <param name="Details">More about it, for people.</param>
public sealed record JobEvent(DateTimeOffset At, string Action, JobStatus Status, string? Actor = null, string? Details = null);
