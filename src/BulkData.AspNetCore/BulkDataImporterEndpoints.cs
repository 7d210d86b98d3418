using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BulkData.AspNetCore;

/// <summary>Maps the drop-in importer page: <c>app.MapBulkDataImporter("/import")</c>.</summary>
public static class BulkDataImporterEndpoints
{
    private const string ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /// <summary>
    /// Serves the importer page at <paramref name="path"/>: choose a resource, drop a file (with upload progress), confirm
    /// the column mapping, see the rows with their errors and download them, choose the merge strategy and commit mode,
    /// follow the import's progress (rows per second, time left), cancel, see the result and undo it, and list past
    /// imports. It is plain HTML, CSS and JavaScript embedded in this assembly and talks only to the HTTP API mapped
    /// with <see cref="BulkDataEndpoints.MapBulkData"/>; texts come from one JSON file, colours from CSS custom properties.
    /// </summary>
    /// <param name="endpoints">The application's routes.</param>
    /// <param name="path">Where the page is served, e.g. <c>/import</c>.</param>
    /// <param name="configure">Sets the API prefix, texts and policy; null for the defaults.</param>
    /// <returns>The route group, to add conventions to.</returns>
    public static RouteGroupBuilder MapBulkDataImporter(this IEndpointRouteBuilder endpoints, string path = "/import", Action<BulkDataImporterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = new BulkDataImporterOptions();
        configure?.Invoke(options);
        var textsObject = Texts(options.TextsFile);
        var title = WebUtility.HtmlEncode(textsObject["title"]?.GetValue<string>() ?? "Import");
        var texts = textsObject.ToJsonString();
        var (index, script, style) = (Resource("index.html"), Resource("importer.js"), Resource("importer.css"));
        var group = endpoints.MapGroup(path).ExcludeFromDescription()
            .RequireAuthorization(options.Policy ?? endpoints.ServiceProvider.GetRequiredService<BulkDataHttpOptions>().ImportPolicy);
        group.MapGet("/", (HttpContext http, IAntiforgery antiforgery, IOptions<AntiforgeryOptions> antiforgeryOptions) =>
        {
            // The page sends this token in a header with every call that changes state (the API refuses them without it).
            var token = antiforgery.GetAndStoreTokens(http).RequestToken ?? string.Empty;
            var html = index
                .Replace("{{antiforgery}}", WebUtility.HtmlEncode(token), StringComparison.Ordinal)
                .Replace("{{antiforgeryHeader}}", WebUtility.HtmlEncode(antiforgeryOptions.Value.HeaderName ?? string.Empty), StringComparison.Ordinal)
                .Replace("{{title}}", title, StringComparison.Ordinal)
                .Replace("{{api}}", WebUtility.HtmlEncode($"{http.Request.PathBase}{options.ApiPrefix.TrimEnd('/')}"), StringComparison.Ordinal)
                .Replace("{{base}}", WebUtility.HtmlEncode($"{http.Request.PathBase}{path.TrimEnd('/')}"), StringComparison.Ordinal);
            return Page(http, html, "text/html; charset=utf-8");
        });
        group.MapGet("/importer.js", (HttpContext http) => Page(http, script, "text/javascript; charset=utf-8"));
        group.MapGet("/importer.css", (HttpContext http) => Page(http, style, "text/css; charset=utf-8"));
        group.MapGet("/texts.json", (HttpContext http) => Page(http, texts, "application/json; charset=utf-8"));
        return group;
    }

    private static IResult Page(HttpContext http, string content, string contentType)
    {
        http.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "no-cache";
        return Results.Text(content, contentType);
    }

    /// <summary>The page's texts, with the application's file over them.</summary>
    private static JsonObject Texts(string? file)
    {
        var texts = JsonNode.Parse(Resource("texts.json"))!.AsObject();
        if (file is null)
        {
            return texts;
        }

        var custom = JsonNode.Parse(File.ReadAllText(file)) as JsonObject
            ?? throw new BulkDataConfigurationException(nameof(BulkDataImporterOptions.TextsFile), $"{file} must hold a JSON object of texts, like Importer/texts.json.");
        foreach (var (key, value) in custom)
        {
            texts[key] = value?.DeepClone();
        }

        return texts;
    }

    private static string Resource(string name)
    {
        using var stream = typeof(BulkDataImporterEndpoints).Assembly.GetManifestResourceStream($"BulkData.AspNetCore.Importer.{name}")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
