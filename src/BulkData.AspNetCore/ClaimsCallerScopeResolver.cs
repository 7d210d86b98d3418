using System.Security.Claims;
using BulkData.Jobs;

namespace BulkData.AspNetCore;

/// <summary>
/// The tenant from the <c>tenant</c> claim (none in a single-tenant application) and the user from the name
/// identifier (or name) claim. Jobs are scoped to the tenant: users of one tenant see each other's jobs.
/// </summary>
public sealed class ClaimsCallerScopeResolver : ICallerScopeResolver
{
    /// <summary>The claim naming the tenant.</summary>
    public const string TenantClaim = "tenant";

    /// <inheritdoc/>
    public JobScope Resolve(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new JobScope(user.FindFirstValue(TenantClaim));
    }
}
