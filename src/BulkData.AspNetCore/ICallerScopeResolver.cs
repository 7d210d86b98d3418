using System.Security.Claims;
using BulkData.Jobs;

namespace BulkData.AspNetCore;

/// <summary>Who is calling: the tenant and user every job, file and export is scoped to. Replace it to read your own claims.</summary>
public interface ICallerScopeResolver
{
    /// <summary>The caller's scope.</summary>
    /// <param name="user">The authenticated user.</param>
    /// <returns>The tenant and user; a job outside it is "not found".</returns>
    JobScope Resolve(ClaimsPrincipal user);
}
