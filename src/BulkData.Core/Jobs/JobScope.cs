namespace BulkData.Jobs;

/// <summary>Who is asking about a job: another tenant's job (or, with an owner, another user's) is not found.</summary>
/// <param name="Tenant">The caller's tenant; null in a single-tenant application.</param>
/// <param name="Owner">The caller, when only their own jobs may be reached; null for any job of the tenant.</param>
public sealed record JobScope(string? Tenant, string? Owner = null)
{
    /// <summary>True when the job is within the scope.</summary>
    /// <param name="job">The job.</param>
    /// <returns>Whether the caller may reach it.</returns>
    public bool Includes(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Tenant == Tenant && (Owner is null || job.Owner == Owner);
    }
}
