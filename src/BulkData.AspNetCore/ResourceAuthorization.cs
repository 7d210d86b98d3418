using BulkData.DependencyInjection;
using BulkData.Jobs;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace BulkData.AspNetCore;

/// <summary>
/// The one place that decides whether a caller may touch a resource: an operation's policy (import, export,
/// rollback), replaced for one resource by the application's policy named after both (e.g.
/// <c>BulkData.Import.Product</c>). Resource routes require it when mapped; job routes ask it for the job's
/// resource (every resource of a package), so a job cannot be reached around its resource's policy.
/// </summary>
internal static class ResourceAuthorization
{
    /// <summary>The policy an operation on a resource requires.</summary>
    public static string PolicyFor(AuthorizationOptions policies, string operation, string resource) =>
        policies.GetPolicy($"{operation}.{resource}") is not null ? $"{operation}.{resource}" : operation;

    /// <summary>Whether the caller may do an operation (a policy name of <see cref="BulkDataHttpOptions"/>) on a registered resource.</summary>
    public static async Task<bool> AllowsAsync(HttpContext http, string operation, string resource)
    {
        var provider = http.RequestServices.GetRequiredService<IAuthorizationPolicyProvider>();
        var name = http.RequestServices.GetRequiredService<ResourceRegistry>().Names.FirstOrDefault(n => string.Equals(n, resource, StringComparison.OrdinalIgnoreCase)) ?? resource;
        var policy = await provider.GetPolicyAsync($"{operation}.{name}").ConfigureAwait(false) ?? await provider.GetPolicyAsync(operation).ConfigureAwait(false);
        return policy is null || (await http.RequestServices.GetRequiredService<IAuthorizationService>().AuthorizeAsync(http.User, policy).ConfigureAwait(false)).Succeeded;
    }

    /// <summary>
    /// Whether the caller may do an operation on a job: on its resource, or for a data package on each resource it
    /// names. <paramref name="operation"/> null means the job's own (an import's or an export's).
    /// </summary>
    public static async Task<bool> AllowsAsync(HttpContext http, Job job, string? operation = null)
    {
        var options = http.RequestServices.GetRequiredService<BulkDataHttpOptions>();
        operation ??= job.Kind == JobKind.Export ? options.ExportPolicy : options.ImportPolicy;
        foreach (var resource in ResourcesOf(job))
        {
            if (!await AllowsAsync(http, operation, resource).ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The resources a job touches: its own; for a data package exported, those it names; for one imported, those its
    /// preview found in it (none before it ran, when only the operation's policy applies).
    /// </summary>
    private static IEnumerable<string> ResourcesOf(Job job)
    {
        if (job.Format != Formats.FileFormats.DataPackage)
        {
            return [job.Resource];
        }

        if (!job.Parameters.TryGetValue("resources", out var resources))
        {
            return [];
        }

        return job.Kind == JobKind.Export
            ? resources.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : PackagePreviewView.Of(job).Resources.Select(r => r.Resource).Distinct();
    }
}
