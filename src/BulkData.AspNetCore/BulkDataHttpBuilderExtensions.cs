using BulkData.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BulkData.AspNetCore;

/// <summary>Registers the HTTP API's services on <see cref="BulkDataBuilder"/>; map it with <see cref="BulkDataEndpoints.MapBulkData"/>.</summary>
public static class BulkDataHttpBuilderExtensions
{
    /// <summary>
    /// Adds the HTTP API: its options (configuration's <c>Http</c> section applies over them), the caller
    /// resolver (<see cref="ClaimsCallerScopeResolver"/> unless the application registered another), antiforgery
    /// (which guards the routes that change state, see <see cref="BulkDataHttpOptions.AllowedOrigins"/>) and the four
    /// authorization policies (import, export, jobs, rollback), each requiring an authenticated user unless the application defines it itself
    /// (e.g. <c>AddAuthorizationBuilder().AddPolicy("BulkData.Import", p =&gt; p.RequireRole("importer"))</c>).
    /// </summary>
    /// <param name="builder">The BulkData builder.</param>
    /// <param name="configure">Sets limits and policy names; null for the defaults.</param>
    /// <returns>The builder.</returns>
    public static BulkDataBuilder AddHttpApi(this BulkDataBuilder builder, Action<BulkDataHttpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new BulkDataHttpOptions();
        configure?.Invoke(options);
        builder.BindOptions(options, "Http");
        builder.Services.AddSingleton(options);
        builder.Services.TryAddSingleton<ICallerScopeResolver, ClaimsCallerScopeResolver>();

        // The routes that change state check the antiforgery token of cookie-authenticated requests.
        builder.Services.AddAntiforgery();
        builder.Services.AddAuthorization(authorization =>
        {
            foreach (var policy in new[] { options.ImportPolicy, options.ExportPolicy, options.JobsPolicy, options.RollbackPolicy })
            {
                if (authorization.GetPolicy(policy) is null)
                {
                    authorization.AddPolicy(policy, p => p.RequireAuthenticatedUser());
                }
            }
        });
        return builder;
    }
}
