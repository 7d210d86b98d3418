using System.Security.Claims;
using BulkData.DependencyInjection;
using BulkData.Export;
using BulkData.Import;
using BulkData.Jobs;
using BulkData.Sinks;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BulkData.AspNetCore;

/// <summary>Maps BulkData's HTTP API: <c>app.MapBulkData("/bulkdata")</c>.</summary>
public static class BulkDataEndpoints
{
    /// <summary>The reading options an upload's query string may set.</summary>
    private static readonly string[] ReadingParameters = ["sheet", "delimiter", "hasHeaderRow", QueuedImport.ValidateOnlyParameter];

    /// <summary>
    /// Maps the endpoints under <paramref name="prefix"/>, each behind its authorization policy
    /// (<see cref="BulkDataHttpOptions"/>; anonymous callers are refused; a policy named after the operation's
    /// and the resource, e.g. <c>BulkData.Import.Product</c>, applies to that resource only) and scoped to the
    /// caller's tenant. Register the resources (and the policies) before mapping:
    /// <list type="bullet">
    /// <item><c>POST {resource}/imports</c>: the request body (raw, or the first file of a multipart form) is
    /// stored and queued; <c>202 Accepted</c> with the job and a <c>Location</c>. Query: <c>fileName</c>,
    /// <c>commitMode</c>, <c>mergeStrategy</c>, <c>culture</c>, <c>sheet</c>, <c>delimiter</c>, <c>hasHeaderRow</c>, <c>validateOnly</c> (then
    /// <c>GET jobs/{id}/preview</c>, <c>PUT jobs/{id}/mapping</c> and <c>POST jobs/{id}/commit</c>).</item>
    /// <item><c>GET {resource}/export</c>: streams the rows (<c>format</c> csv, xlsx or json; <c>columns</c>;
    /// <c>filter</c>, an <see cref="ExportFilter"/> as JSON); <c>POST {resource}/exports</c> queues the same.</item>
    /// <item><c>GET jobs</c>, <c>GET jobs/{id}</c>, <c>POST jobs/{id}/cancel</c>, <c>POST jobs/{id}/resume</c>,
    /// <c>DELETE jobs/{id}</c>, <c>GET jobs/{id}/files/{output|file}</c>.</item>
    /// </list>
    /// Errors are RFC 9457 problem details; another tenant's job is 404.
    /// </summary>
    /// <param name="endpoints">The application's routes.</param>
    /// <param name="prefix">The route prefix, e.g. <c>/bulkdata</c>.</param>
    /// <returns>The route group, to add conventions to.</returns>
    public static RouteGroupBuilder MapBulkData(this IEndpointRouteBuilder endpoints, string prefix = "/bulkdata")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<BulkDataHttpOptions>();
        var group = endpoints.MapGroup(prefix).WithTags("BulkData");

        // One set of routes per registered resource, each behind the operation's policy for that resource when the
        // application defines one (e.g. "BulkData.Import.Product"), else the operation's policy.
        var policies = endpoints.ServiceProvider.GetRequiredService<IOptions<AuthorizationOptions>>().Value;
        string PolicyFor(string operation, string resource) => policies.GetPolicy($"{operation}.{resource}") is not null ? $"{operation}.{resource}" : operation;
        foreach (var resource in endpoints.ServiceProvider.GetRequiredService<ResourceRegistry>().Names.Order(StringComparer.Ordinal))
        {
            var name = resource.ToLowerInvariant();
            group.MapPost($"/{name}/imports", (HttpContext http, CancellationToken cancellationToken) => EnqueueImportAsync(resource, http, cancellationToken))
                .RequireAuthorization(PolicyFor(options.ImportPolicy, resource))
                .WithName($"BulkDataEnqueueImport{resource}").WithSummary($"Stores an upload of {resource} rows and queues its import.")
                .Produces<JobAccepted>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
            group.MapGet($"/{name}/export", (HttpContext http, CancellationToken cancellationToken) => ExportAsync(resource, http, cancellationToken))
                .RequireAuthorization(PolicyFor(options.ExportPolicy, resource))
                .WithName($"BulkDataExport{resource}").WithSummary($"Streams the {resource} rows in the response.").ProducesProblem(StatusCodes.Status400BadRequest);
            group.MapPost($"/{name}/exports", (HttpContext http, CancellationToken cancellationToken) => EnqueueExportAsync(resource, http, cancellationToken))
                .RequireAuthorization(PolicyFor(options.ExportPolicy, resource))
                .WithName($"BulkDataEnqueueExport{resource}").WithSummary($"Queues an export of {resource}; its file lands in the file store.")
                .Produces<JobAccepted>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status400BadRequest);
        }

        group.MapGet("/resources", (ResourceRegistry registry) => Results.Ok(registry.Names.Order(StringComparer.Ordinal).Select(name => ResourceCalls.Describe(registry.FindType(name)!, registry)).ToArray()))
            .RequireAuthorization(options.ImportPolicy)
            .WithName("BulkDataListResources").WithSummary("The resources, each with the columns a file's headers can map to.").Produces<IReadOnlyList<ResourceView>>();
        group.MapPost("/packages/imports", EnqueuePackageAsync).RequireAuthorization(options.ImportPolicy)
            .WithName("BulkDataEnqueuePackageImport").WithSummary("Stores an uploaded data package (a ZIP with datapackage.json) and queues its import; validateOnly=true previews it until committed.")
            .Produces<JobAccepted>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapGet("/packages/export", ExportPackageAsync).RequireAuthorization(options.ExportPolicy)
            .WithName("BulkDataExportPackage").WithSummary("Streams a data package of the resources named (resources=a,b), with the rows they reference when referencedRows=true.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/jobs", ListJobsAsync).RequireAuthorization(options.JobsPolicy)
            .WithName("BulkDataListJobs").WithSummary("Lists the caller's tenant's jobs, newest first.").Produces<IReadOnlyList<Job>>();
        group.MapGet("/jobs/{id:guid}", GetJobAsync).RequireAuthorization(options.JobsPolicy)
            .WithName("BulkDataGetJob").WithSummary("A job's status, progress, counts and errors, with rowsPerSecond and etaSeconds.").Produces<Job>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/jobs/{id:guid}/cancel", CancelJobAsync).RequireAuthorization(options.JobsPolicy)
            .WithName("BulkDataCancelJob").WithSummary("Asks a job to stop at its next batch.").Produces<Job>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/jobs/{id:guid}/resume", ResumeJobAsync).RequireAuthorization(options.JobsPolicy)
            .WithName("BulkDataResumeJob").WithSummary("Runs a failed or cancelled queued import again.").Produces<Job>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/jobs/{id:guid}/preview", PreviewAsync).RequireAuthorization(options.ImportPolicy)
            .WithName("BulkDataPreviewJob").WithSummary("The first rows of a queued import as they would be imported, with the mapping chosen and suggestions; for a package, what each resource would do.")
            .Produces<ImportPreviewView>().Produces<PackagePreviewView>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/jobs/{id:guid}/mapping", SetMappingAsync).RequireAuthorization(options.ImportPolicy)
            .WithName("BulkDataSetMapping").WithSummary("Sets a queued import's column mapping as the user chose it (remembered for the same headers); it validates again.")
            .Produces<Job>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/jobs/{id:guid}/commit", CommitJobAsync).RequireAuthorization(options.ImportPolicy)
            .WithName("BulkDataCommitJob").WithSummary("Commits a queued import uploaded to validate only (commitMode and mergeStrategy may be chosen now; a file with invalid rows commits partially).")
            .Produces<Job>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/jobs/{id:guid}/rollback", RollbackAsync).RequireAuthorization(options.RollbackPolicy)
            .WithName("BulkDataRollbackJob").WithSummary("Undoes a committed import; refused, with the records changed since or depending on it, unless forced.")
            .Produces<RollbackResult>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/jobs/{id:guid}/errors", ErrorReportAsync).RequireAuthorization(options.ImportPolicy)
            .WithName("BulkDataErrorReport").WithSummary("The rejected rows of an import, in the upload's format, each with its error.").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/jobs/{id:guid}", DeleteJobAsync).RequireAuthorization(options.JobsPolicy)
            .WithName("BulkDataDeleteJob").WithSummary("Deletes a job with its files.").Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/jobs/{id:guid}/files/{which}", DownloadAsync).RequireAuthorization(options.JobsPolicy)
            .WithName("BulkDataDownloadJobFile").WithSummary("A job's upload (file) or exported file (output).").ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IResult> EnqueueImportAsync(string resource, HttpContext http, CancellationToken cancellationToken)
    {
        if (Resolve(http, resource) is not { } type)
        {
            return NotFound($"There is no resource '{resource}'.");
        }

        var query = http.Request.Query;
        var commitMode = Enum.TryParse<CommitMode>(query["commitMode"], ignoreCase: true, out var mode) ? mode : (CommitMode?)null;
        MergeStrategy? mergeStrategy = null;
        if (!string.IsNullOrEmpty(query["mergeStrategy"]))
        {
            if (!Enum.TryParse<MergeStrategy>(query["mergeStrategy"], ignoreCase: true, out var strategy) || !Enum.IsDefined(strategy))
            {
                return BadRequest($"'{query["mergeStrategy"]}' is not a merge strategy. Use {string.Join(", ", Enum.GetNames<MergeStrategy>())}.");
            }

            mergeStrategy = strategy;
        }

        System.Globalization.CultureInfo? culture;
        try
        {
            culture = string.IsNullOrEmpty(query["culture"]) ? null : System.Globalization.CultureInfo.GetCultureInfo(query["culture"].ToString(), predefinedOnly: true);
        }
        catch (System.Globalization.CultureNotFoundException)
        {
            return BadRequest($"'{query["culture"]}' is not a culture. Use a name such as de-DE or fr-FR.");
        }

        // The format is read from the upload's first bytes, never from a client's file name.
        var parameters = ReadingParameters.Where(name => !string.IsNullOrEmpty(query[name])).ToDictionary(name => name, name => query[name].ToString());
        return await ReceiveAsync(
            http,
            async (upload, sniffed, clientName) =>
            {
                var name = $"{Path.GetFileNameWithoutExtension(SafeName(clientName ?? query["fileName"].ToString() ?? "upload"))}.{sniffed}";
                var request = new ImportRequest(ScopeOf(http), Actor(http.User), name, commitMode, mergeStrategy, culture, parameters);
                return Accepted(http, await ResourceCalls.EnqueueImport(type, http.RequestServices, request, upload, cancellationToken).ConfigureAwait(false));
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static Task<IResult> EnqueuePackageAsync(HttpContext http, IBulkImporter importer, bool? validateOnly, CancellationToken cancellationToken) =>
        ReceiveAsync(
            http,
            async (upload, sniffed, clientName) =>
            {
                if (sniffed != "xlsx")
                {
                    return BadRequest("A data package is a ZIP archive with datapackage.json at its root; this upload is not a ZIP archive.");
                }

                var name = $"{Path.GetFileNameWithoutExtension(SafeName(clientName ?? http.Request.Query["fileName"].ToString() ?? "package"))}.zip";
                var operation = importer.Package(upload, name).OwnedBy(Actor(http.User), ScopeOf(http).Tenant);
                return Accepted(http, await operation.EnqueueAsync(validateOnly ?? false, cancellationToken).ConfigureAwait(false));
            },
            cancellationToken);

    /// <summary>
    /// Receives an upload (the body, or the first file of a multipart form) as a stream that enforces the API's size
    /// limit, with the format its first bytes show; answers 400 without a file and 413 over the limit.
    /// </summary>
    private static async Task<IResult> ReceiveAsync(HttpContext http, Func<LimitedReadStream, string, string?, Task<IResult>> handle, CancellationToken cancellationToken)
    {
        var options = http.RequestServices.GetRequiredService<BulkDataHttpOptions>();
        if (http.Request.ContentLength > options.MaxUploadBytes)
        {
            return TooLarge(options.MaxUploadBytes);
        }

        // The server's own body limit (30 MB on Kestrel) gives way to this API's, which the upload stream enforces
        // (with a read's worth of slack, so that ours trips first and answers with a problem).
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = options.MaxUploadBytes + (1024 * 1024);
        }

        var (upload, clientName) = await UploadAsync(http.Request, cancellationToken).ConfigureAwait(false);
        if (upload is null)
        {
            return BadRequest("The request has no file: send it as the body, or as a file in a multipart form.");
        }

        var limited = new LimitedReadStream(upload, options.MaxUploadBytes);
        await using (limited.ConfigureAwait(false))
        {
            try
            {
                return await handle(limited, await limited.SniffAsync(cancellationToken).ConfigureAwait(false), clientName).ConfigureAwait(false);
            }
            catch (Exception e) when (e is UploadTooLargeException or BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                return TooLarge(options.MaxUploadBytes);
            }
        }
    }

    /// <summary>Streams a data package of the named resources, read from their export sources, in the response.</summary>
    private static async Task ExportPackageAsync(HttpContext http, IBulkExporter exporter, string? resources, bool? referencedRows, CancellationToken cancellationToken)
    {
        var types = new List<Type>();
        foreach (var name in (resources ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Resolve(http, name) is not { } type)
            {
                await NotFound($"There is no resource '{name}'.").ExecuteAsync(http).ConfigureAwait(false);
                return;
            }

            // A resource's own export policy, when the application defines one, applies inside a package too.
            var registered = http.RequestServices.GetRequiredService<ResourceRegistry>().Names.First(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
            var policy = $"{http.RequestServices.GetRequiredService<BulkDataHttpOptions>().ExportPolicy}.{registered}";
            if (await http.RequestServices.GetRequiredService<IAuthorizationPolicyProvider>().GetPolicyAsync(policy).ConfigureAwait(false) is { } own
                && !(await http.RequestServices.GetRequiredService<IAuthorizationService>().AuthorizeAsync(http.User, own).ConfigureAwait(false)).Succeeded)
            {
                await Results.Forbid().ExecuteAsync(http).ConfigureAwait(false);
                return;
            }

            types.Add(type);
        }

        if (types.Count == 0)
        {
            await BadRequest("Name the resources to export: ?resources=customer,order.").ExecuteAsync(http).ConfigureAwait(false);
            return;
        }

        var scope = ScopeOf(http);
        var package = types.Aggregate(exporter.Package().OwnedBy(Actor(http.User), scope.Tenant).WithReferencedRows(referencedRows ?? false), (operation, type) => ResourceCalls.AddToPackage(type, http.RequestServices, operation));
        try
        {
            http.Response.ContentType = "application/zip";
            http.Response.Headers.ContentDisposition = "attachment; filename=\"package.zip\"";
            using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await package.ToAsync(new ClientResponseStream(http.Response.BodyWriter, abort), abort.Token).ConfigureAwait(false);
        }
        catch (BulkDataConfigurationException e) when (!http.Response.HasStarted)
        {
            http.Response.Headers.ContentDisposition = default;
            await BadRequest(e.Message).ExecuteAsync(http).ConfigureAwait(false);
        }
    }

    private static async Task ExportAsync(string resource, HttpContext http, CancellationToken cancellationToken)
    {
        if (Resolve(http, resource) is not { } type)
        {
            await NotFound($"There is no resource '{resource}'.").ExecuteAsync(http).ConfigureAwait(false);
            return;
        }

        try
        {
            var request = ReadExport(http);
            var formats = http.RequestServices.GetRequiredService<ResourceRegistry>().ExportFormats;
            http.Response.ContentType = formats.ContentTypeOf(request.Format);
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{resource}.{request.Format}\"";

            // A client that goes away aborts the request: the export stops and its job ends cancelled.
            using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await ResourceCalls.Export(type, http.RequestServices, request, () => formats.Create(request.Format, new ClientResponseStream(http.Response.BodyWriter, abort)), abort.Token).ConfigureAwait(false);
        }
        catch (BulkDataConfigurationException e) when (!http.Response.HasStarted)
        {
            // A bad filter or column is found before the first byte is sent: the answer is still a problem.
            http.Response.Headers.ContentDisposition = default;
            await BadRequest(e.Message).ExecuteAsync(http).ConfigureAwait(false);
        }
    }

    private static async Task<IResult> EnqueueExportAsync(string resource, HttpContext http, CancellationToken cancellationToken)
    {
        if (Resolve(http, resource) is not { } type)
        {
            return NotFound($"There is no resource '{resource}'.");
        }

        try
        {
            var jobId = await ResourceCalls.EnqueueExport(type, http.RequestServices, ReadExport(http), cancellationToken).ConfigureAwait(false);
            return Accepted(http, jobId);
        }
        catch (BulkDataConfigurationException e)
        {
            return BadRequest(e.Message);
        }
    }

    private static async Task<IResult> ListJobsAsync(HttpContext http, IJobStore jobs, JobStatus? status, JobKind? kind, DateTimeOffset? from, DateTimeOffset? to, int? skip, int? take, CancellationToken cancellationToken)
    {
        var query = new JobQuery { Status = status, Kind = kind, CreatedFrom = from, CreatedBefore = to, Skip = Math.Max(0, skip ?? 0), Take = Math.Clamp(take ?? 50, 1, 500) };
        return Results.Ok(await jobs.QueryAsync(query, ScopeOf(http), cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false));
    }

    private static async Task<IResult> GetJobAsync(Guid id, HttpContext http, IJobStore jobs, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await jobs.GetAsync(id, ScopeOf(http), cancellationToken).ConfigureAwait(false) is not { } job)
        {
            return JobNotFound(id);
        }

        // The job as stored, plus what a progress bar needs: rows per second so far and the time left, when the total is known.
        var json = JsonSerializer.SerializeToNode(job, http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions)!.AsObject();
        var elapsed = ((job.CompletedAt ?? time.GetUtcNow()) - (job.StartedAt ?? time.GetUtcNow())).TotalSeconds;
        var rate = elapsed > 0 ? job.Progress.RowsProcessed / elapsed : (double?)null;
        json["rowsPerSecond"] = rate is { } perSecond ? Math.Round(perSecond, 1) : null;
        json["etaSeconds"] = !job.IsFinished && rate is > 0 && job.Progress.TotalRows is { } total ? Math.Round(Math.Max(0, total - job.Progress.RowsProcessed) / rate.Value, 1) : null;
        return Results.Json(json);
    }

    private static async Task<IResult> CancelJobAsync(Guid id, HttpContext http, IJobStore jobs, CancellationToken cancellationToken)
    {
        try
        {
            return Results.Accepted(JobPath(http, id), await jobs.RequestCancelAsync(id, ScopeOf(http), cancellationToken: cancellationToken).ConfigureAwait(false));
        }
        catch (KeyNotFoundException)
        {
            return JobNotFound(id);
        }
    }

    private static Task<IResult> ResumeJobAsync(Guid id, HttpContext http, IJobStore jobs, CancellationToken cancellationToken) =>
        ControlAsync(http, id, (runner, scope) => runner.ResumeAsync(jobs, id, scope, cancellationToken: cancellationToken));

    private static async Task<IResult> PreviewAsync(Guid id, HttpContext http, IJobStore jobs, int? rows, CancellationToken cancellationToken)
    {
        var found = await jobs.GetAsync(id, ScopeOf(http), cancellationToken).ConfigureAwait(false);
        if (found is { Kind: JobKind.Import, Format: Packages.PackageImportRun.Format })
        {
            return Results.Ok(PackagePreviewView.Of(found));
        }

        if (found is not { Kind: JobKind.Import } job
            || Resolve(http, job.Resource) is not { } type
            || http.RequestServices.GetService<IFileStore>() is not { } files)
        {
            return JobNotFound(id);
        }

        try
        {
            var file = await files.OpenJobFileAsync(job, QueuedImport.FileParameter, cancellationToken).ConfigureAwait(false);
            await using (file.ConfigureAwait(false))
            {
                return Results.Ok(await ResourceCalls.Preview(type, http.RequestServices, job, file, Math.Clamp(rows ?? 20, 1, 1_000), cancellationToken).ConfigureAwait(false));
            }
        }
        catch (KeyNotFoundException)
        {
            return JobNotFound(id);
        }
    }

    private static Task<IResult> SetMappingAsync(Guid id, HttpContext http, IJobStore jobs, Dictionary<string, string> mapping, CancellationToken cancellationToken) =>
        ControlAsync(http, id, (runner, scope) => runner.SetMappingAsync(jobs, id, scope, mapping, cancellationToken));

    private static Task<IResult> CommitJobAsync(Guid id, HttpContext http, IJobStore jobs, CommitMode? commitMode, MergeStrategy? mergeStrategy, CancellationToken cancellationToken) =>
        ControlAsync(http, id, (runner, scope) => runner.CommitAsync(jobs, id, scope, commitMode, mergeStrategy, cancellationToken));

    /// <summary>Runs a request on a queued job: 202 with the job, 404 outside the caller's scope, 409 when the job's state refuses it.</summary>
    private static async Task<IResult> ControlAsync(HttpContext http, Guid id, Func<IJobRunner, JobScope, ValueTask<Job>> control)
    {
        try
        {
            var runner = http.RequestServices.GetService<IJobRunner>() ?? throw new BulkDataException("This application runs no queued jobs.");
            return Results.Accepted(JobPath(http, id), await control(runner, ScopeOf(http)).ConfigureAwait(false));
        }
        catch (KeyNotFoundException)
        {
            return JobNotFound(id);
        }
        catch (BulkDataException e)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "The job's state does not allow it.");
        }
    }

    private static async Task<IResult> RollbackAsync(Guid id, HttpContext http, IJobStore jobs, bool? force, CancellationToken cancellationToken)
    {
        if (await jobs.GetAsync(id, ScopeOf(http), cancellationToken).ConfigureAwait(false) is null)
        {
            return JobNotFound(id);
        }

        if (http.RequestServices.GetService<IImportRollback>() is not { } rollback)
        {
            return Results.Problem("This application's import target does not record its changes, so imports cannot be rolled back.", statusCode: StatusCodes.Status409Conflict, title: "Rollback is not available.");
        }

        try
        {
            return Results.Ok(await rollback.RollbackAsync(id, ScopeOf(http), force ?? false, cancellationToken).ConfigureAwait(false));
        }
        catch (KeyNotFoundException)
        {
            return JobNotFound(id);
        }
        catch (RollbackRefusedException e)
        {
            return Results.Problem(
                e.Message,
                statusCode: StatusCodes.Status409Conflict,
                title: "The rollback was refused; nothing was changed.",
                extensions: new Dictionary<string, object?> { ["changedKeys"] = e.ChangedKeys, ["dependents"] = e.Dependents });
        }
    }

    private static async Task ErrorReportAsync(Guid id, HttpContext http, IJobStore jobs, CancellationToken cancellationToken)
    {
        var scope = ScopeOf(http);
        if (await jobs.GetAsync(id, scope, cancellationToken).ConfigureAwait(false) is not { Kind: JobKind.Import } job
            || http.RequestServices.GetService<IFileStore>() is not { } files)
        {
            await JobNotFound(id).ExecuteAsync(http).ConfigureAwait(false);
            return;
        }

        if (job.Format == Packages.PackageImportRun.Format)
        {
            // A package's rows live in several files: its report is the list of errors, each naming its resource.
            await Results.Ok(job.Errors).ExecuteAsync(http).ConfigureAwait(false);
            return;
        }

        Stream upload;
        try
        {
            upload = await files.OpenJobFileAsync(job, QueuedImport.FileParameter, cancellationToken).ConfigureAwait(false);
        }
        catch (KeyNotFoundException)
        {
            await JobNotFound(id).ExecuteAsync(http).ConfigureAwait(false);
            return;
        }

        await using (upload.ConfigureAwait(false))
        {
            // The report keeps the upload's format, so the user fixes the rows in the tool they came from; it streams.
            var registry = http.RequestServices.GetRequiredService<ResourceRegistry>();
            var source = registry.ImportFormats.Open(job, upload);
            var sink = ImportErrorReport.SinkFor(source, http.Response.Body);
            http.Response.ContentType = registry.ExportFormats.ContentTypeOf(sink.Format, "application/octet-stream");
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{Path.GetFileNameWithoutExtension(job.FileName ?? "upload")}.errors.{sink.Format}\"";
            await using (sink.ConfigureAwait(false))
            {
                await ImportErrorReport.WriteAsync(source, new ImportResult(job, mapping: null, rows: []), sink, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<IResult> DeleteJobAsync(Guid id, HttpContext http, IJobStore jobs, CancellationToken cancellationToken)
    {
        try
        {
            await jobs.DeleteAsync(id, ScopeOf(http), http.RequestServices.GetService<IFileStore>(), cancellationToken).ConfigureAwait(false);
            return Results.NoContent();
        }
        catch (KeyNotFoundException)
        {
            return JobNotFound(id);
        }
    }

    private static async Task<IResult> DownloadAsync(Guid id, string which, HttpContext http, IJobStore jobs, CancellationToken cancellationToken)
    {
        if (which is not ("output" or "file") || http.RequestServices.GetService<IFileStore>() is not { } files)
        {
            return JobNotFound(id);
        }

        try
        {
            var job = await jobs.FindAsync(id, ScopeOf(http), cancellationToken).ConfigureAwait(false);
            var stream = await files.OpenJobFileAsync(job, which, cancellationToken).ConfigureAwait(false);
            var name = which == "output" ? $"{job.Resource}.{job.Format}" : job.FileName ?? "upload";
            return Results.File(stream, "application/octet-stream", SafeName(name));
        }
        catch (KeyNotFoundException)
        {
            return JobNotFound(id);
        }
    }

    private static Type? Resolve(HttpContext http, string resource) =>
        http.RequestServices.GetRequiredService<ResourceRegistry>().FindType(resource);

    private static JobScope ScopeOf(HttpContext http) => http.RequestServices.GetRequiredService<ICallerScopeResolver>().Resolve(http.User);

    private static string? Actor(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier) ?? user.Identity?.Name;

    private static ExportRequest ReadExport(HttpContext http)
    {
        var query = http.Request.Query;
        var format = http.RequestServices.GetRequiredService<ResourceRegistry>().ExportFormats.Check(string.IsNullOrEmpty(query["format"]) ? "csv" : query["format"].ToString());
        var columns = query["columns"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var filter = string.IsNullOrEmpty(query["filter"]) ? null : ExportFilter.FromJson(query["filter"].ToString());
        return new ExportRequest(ScopeOf(http), Actor(http.User), format, columns, filter);
    }

    /// <summary>The body, or the first file section of a multipart form, read as it arrives (never buffered whole).</summary>
    private static async Task<(Stream? Upload, string? FileName)> UploadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType
            || !MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
        {
            return (request.Body, null);
        }

        var reader = new MultipartReader(boundary, request.Body);
        while (await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false) is { } section)
        {
            if (section.AsFileSection() is { } file)
            {
                return (file.FileStream, file.FileName);
            }
        }

        return (null, null);
    }

    /// <summary>A client's file name reduced to a name: no folders, no characters a file system or header would misread.</summary>
    private static string SafeName(string name)
    {
        var bare = Path.GetFileName(name.Replace('\\', '/'));
        var kept = new string(bare.Where(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_' or ' ').ToArray()).Trim();
        return kept.Length == 0 ? "upload" : kept;
    }

    private static IResult Accepted(HttpContext http, Guid jobId) => Results.Accepted(JobPath(http, jobId), new JobAccepted(jobId));

    private static string JobPath(HttpContext http, Guid jobId) =>
        http.RequestServices.GetRequiredService<LinkGenerator>().GetPathByName(http, "BulkDataGetJob", new { id = jobId }) ?? $"jobs/{jobId}";

    private static IResult NotFound(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found.");

    private static IResult JobNotFound(Guid id) => NotFound($"There is no job {id}.");

    private static IResult BadRequest(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "The request cannot be carried out.");

    private static IResult TooLarge(long limit) =>
        Results.Problem($"The upload is larger than the limit of {limit:N0} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "The upload is too large.");
}

/// <summary>The answer to a queued import or export: its job, to poll at the <c>Location</c> given.</summary>
/// <param name="JobId">The job's id.</param>
public sealed record JobAccepted(Guid JobId);
