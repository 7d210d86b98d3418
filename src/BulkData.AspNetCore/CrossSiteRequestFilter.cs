using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace BulkData.AspNetCore;

/// <summary>
/// Guards every route that changes state (any method but GET, HEAD and OPTIONS) against cross-site request forgery, in two independent ways: a request a
/// browser marks as cross-site (<c>Sec-Fetch-Site: cross-site</c>) or whose <c>Origin</c> is neither the host's nor
/// one of <see cref="BulkDataHttpOptions.AllowedOrigins"/> is refused; and a request that carries cookies without an
/// <c>Authorization</c> header (a browser's ambient credentials) must carry the antiforgery token in its header, as
/// the importer page sends it. API clients that authenticate with a header (bearer tokens, API keys) and send no
/// cookies need no token.
/// </summary>
internal sealed class CrossSiteRequestFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var request = http.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        {
            // Reading changes nothing, and a cross-site page cannot read the answer.
            return await next(context).ConfigureAwait(false);
        }

        var options = http.RequestServices.GetRequiredService<BulkDataHttpOptions>();
        var origin = request.Headers.Origin.ToString();
        var allowed = origin.Length > 0 && options.AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase);
        if (!allowed && (request.Headers["Sec-Fetch-Site"] == "cross-site" || (origin.Length > 0 && !SameOrigin(request, origin))))
        {
            return Refused($"Requests from another site ({(origin.Length > 0 ? origin : "cross-site")}) cannot change anything here. Call the API from this site, or add the site to BulkDataHttpOptions.AllowedOrigins.");
        }

        if (request.Headers.Cookie.Count > 0 && request.Headers.Authorization.Count == 0)
        {
            // Only the header is read: falling back to a form field would buffer a whole upload first.
            var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
            var header = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<AntiforgeryOptions>>().Value.HeaderName;
            if (header is null || request.Headers[header].Count == 0 || !await antiforgery.IsRequestValidAsync(http).ConfigureAwait(false))
            {
                return Refused($"A request signed in with a cookie must carry the antiforgery token in its {header ?? "antiforgery"} header, as the importer page sends it.");
            }
        }

        return await next(context).ConfigureAwait(false);
    }

    private static bool SameOrigin(HttpRequest request, string origin) =>
        string.Equals(origin, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase);

    private static IResult Refused(string detail) =>
        Results.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "The request was refused as a possible cross-site request forgery.");
}
