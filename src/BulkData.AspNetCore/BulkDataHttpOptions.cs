using System.ComponentModel.DataAnnotations;

namespace BulkData.AspNetCore;

/// <summary>The HTTP API's limits and the authorization policies each kind of endpoint requires.</summary>
public sealed class BulkDataHttpOptions
{
    /// <summary>The policy that uploads and queues imports. Default: <c>BulkData.Import</c>, an authenticated user.</summary>
    [Required]
    public string ImportPolicy { get; set; } = "BulkData.Import";

    /// <summary>The policy that exports, inline or queued. Default: <c>BulkData.Export</c>, an authenticated user.</summary>
    [Required]
    public string ExportPolicy { get; set; } = "BulkData.Export";

    /// <summary>The policy that rolls imports back. Default: <c>BulkData.Rollback</c>, an authenticated user.</summary>
    [Required]
    public string RollbackPolicy { get; set; } = "BulkData.Rollback";

    /// <summary>The policy that reads, lists, cancels, resumes and deletes jobs and downloads their files. Default: <c>BulkData.Jobs</c>, an authenticated user.</summary>
    [Required]
    public string JobsPolicy { get; set; } = "BulkData.Jobs";

    /// <summary>The largest upload accepted, in bytes; a larger one is refused (413) before it is stored. Default: 256 MiB.</summary>
    [Range(1, long.MaxValue)]
    public long MaxUploadBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// The most rows an inline export (streamed in the response) may return; more is refused (413, naming the queued
    /// export to use) before a byte is sent. The rows are counted first, up to the limit, in the query when the export
    /// source is one (<c>LIMIT</c>); <see cref="long.MaxValue"/> skips the count. Default: 1,000,000.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long MaxInlineExportRows { get; set; } = 1_000_000;

    /// <summary>
    /// Other sites (origins such as <c>https://admin.example.com</c>) whose pages may call the routes that change state;
    /// a request from any other site is refused, as a possible cross-site request forgery. Default: none, only the
    /// host's own pages. Behind a proxy that changes the scheme or host, add the public origin here (or forward the
    /// headers with <c>UseForwardedHeaders</c>).
    /// </summary>
    public IList<string> AllowedOrigins { get; } = [];
}
