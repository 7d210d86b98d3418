using System.Security.Claims;
using System.Text.Json;
using BulkData.DependencyInjection;
using BulkData.Export;
using BulkData.Import;
using BulkData.Jobs;
using BulkData.Resources;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace BulkData.AspNetCore;

/// <summary>Maps BulkData's HTTP API: <c>app.MapBulkData("/bulkdata")</c>.</summary>
public static class BulkDataEndpoints
{
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

        // On every route, a new one included: cross-site requests that would change state are refused, and a
        // parameter the API cannot take as given is a 400 naming it.
        group.AddEndpointFilter(new CrossSiteRequestFilter()).AddEndpointFilter(RefuseInvalidParametersAsync);

        // One set of routes per registered resource, each behind the operation's policy for that resource when the
        // application defines one (e.g. "BulkData.Import.Product"), else the operation's policy.
        var policies = endpoints.ServiceProvider.GetRequiredService<IOptions<AuthorizationOptions>>().Value;
        string PolicyFor(string operation, string resource) => ResourceAuthorization.PolicyFor(policies, operation, resource);
        foreach (var resource in endpoints.ServiceProvider.GetRequiredService<ResourceRegistry>().Names.Order(StringComparer.Ordinal))
        {
            var name = resource.ToLowerInvariant();
            group.MapPost($"/{name}/imports", (HttpContext http, CancellationToken cancellationToken) => EnqueueImportAsync(resource, http, cancellationToken))
                .RequireAuthorization(PolicyFor(options.ImportPolicy, resource))
                .WithName($"BulkDataEnqueueImport{resource}").WithSummary($"Stores an upload of {resource} rows and queues its import.")
                .Produces<JobAccepted>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
            group.MapGet($"/{name}/export", (HttpContext http, CancellationToken cancellationToken) => ExportAsync(resource, http, cancellationToken))
                .RequireAuthorization(PolicyFor(options.ExportPolicy, resource))
                .WithName($"BulkDataExport{resource}").WithSummary($"Streams the {resource} rows in the response; more than MaxInlineExportRows is a 413 (queue the export instead).")
                .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
            group.MapPost($"/{name}/exports", (HttpContext http, CancellationToken cancellationToken) => EnqueueExportAsync(resource, http, cancellationToken))
                .RequireAuthorization(PolicyFor(options.ExportPolicy, resource))
                .WithName($"BulkDataEnqueueExport{resource}").WithSummary($"Queues an export of {resource}; its file lands in the file store.")
                .Produces<JobAccepted>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status400BadRequest);
        }

        group.MapGet("/resources", (ResourceRegistry registry) => Results.Ok(registry.Names.Order(StringComparer.Ordinal).Select(name => ResourceView.Of(registry.Find(name)!)).ToArray()))
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
        if (Resolve(http, resource) is not { } entry)
        {
            return NotFound($"There is no resource '{resource}'.");
        }

        var query = http.Request.Query;
        var commitMode = QueryParameters.Enum<CommitMode>(query, "commitMode");
        var mergeStrategy = QueryParameters.Enum<MergeStrategy>(query, "mergeStrategy");
        System.Globalization.CultureInfo? culture;
        try
        {
            culture = QueryParameters.Text(query, "culture") is { } cultureName ? System.Globalization.CultureInfo.GetCultureInfo(cultureName, predefinedOnly: true) : null;
        }
        catch (System.Globalization.CultureNotFoundException)
        {
            throw new InvalidParameterException("culture", query["culture"].ToString(), "a culture's name, such as de-DE or fr-FR");
        }

        // The format is read from the upload's first bytes, never from a client's file name.
        var parameters = ReadingParameters(query);
        var fileName = QueryParameters.Text(query, "fileName");
        return await ReceiveAsync(
            http,
            async (upload, sniffed, clientName) =>
            {
                if (sniffed == "xls" && !http.RequestServices.GetRequiredService<ResourceRegistry>().Formats.Reads("xls"))
                {
                    return BadRequest("The file is an Excel 97-2003 workbook (.xls), or a password-protected one, and this application reads neither. Open it in Excel and save it as 'Excel Workbook (.xlsx)' without a password, then upload it again.");
                }

                var name = $"{Path.GetFileNameWithoutExtension(SafeName(clientName ?? fileName ?? "upload"))}.{sniffed}";
                var request = new ImportRequest(ScopeOf(http), Actor(http.User), name, commitMode, mergeStrategy, culture, parameters);
                return Accepted(http, await entry.Accept(new EnqueueImportCall(http.RequestServices, request, upload, cancellationToken)).ConfigureAwait(false));
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How an upload is to be read and whether it only validates, as its query string says, in the form a queued import keeps.</summary>
    private static Dictionary<string, string> ReadingParameters(IQueryCollection query)
    {
        var parameters = new Dictionary<string, string>();
        if (QueryParameters.Text(query, JobParameters.Sheet) is { } sheet)
        {
            parameters[JobParameters.Sheet] = sheet;
        }

        if (QueryParameters.Text(query, JobParameters.Delimiter) is { } delimiter)
        {
            parameters[JobParameters.Delimiter] = delimiter.Length == 1 ? delimiter : throw new InvalidParameterException("delimiter", delimiter, "one character, such as ; or | (%09 for a tab)");
        }

        if (QueryParameters.Boolean(query, JobParameters.HasHeaderRow) is { } hasHeaderRow)
        {
            parameters[JobParameters.HasHeaderRow] = hasHeaderRow ? "true" : "false";
        }

        if (QueryParameters.Text(query, JobParameters.Encoding) is { } encoding)
        {
            try
            {
                parameters[JobParameters.Encoding] = CsvSourceOptions.EncodingNamed(encoding).WebName;
            }
            catch (BulkDataConfigurationException)
            {
                throw new InvalidParameterException("encoding", encoding, "a text encoding's name, such as utf-8, windows-1252 or iso-8859-1");
            }
        }

        // A workbook's header row or a CSV's header line; 0 lets the import find it among the first rows (FindHeaderRow).
        if (QueryParameters.Integer(query, JobParameters.HeaderRow, 0, 1_048_576) is { } headerRow)
        {
            parameters[JobParameters.HeaderRow] = headerRow.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (QueryParameters.Boolean(query, JobParameters.ValidateOnly) is true)
        {
            parameters[JobParameters.ValidateOnly] = "true";
        }

        return parameters;
    }

    private static Task<IResult> EnqueuePackageAsync(HttpContext http, IBulkImporter importer, CancellationToken cancellationToken)
    {
        var validateOnly = QueryParameters.Boolean(http.Request.Query, JobParameters.ValidateOnly);
        var fileName = QueryParameters.Text(http.Request.Query, "fileName");
        return ReceiveAsync(
            http,
            async (upload, sniffed, clientName) =>
            {
                if (sniffed != "xlsx")
                {
                    return BadRequest("A data package is a ZIP archive with datapackage.json at its root; this upload is not a ZIP archive.");
                }

                var name = $"{Path.GetFileNameWithoutExtension(SafeName(clientName ?? fileName ?? "package"))}.zip";
                // Each resource's own import policy applies inside a package too, checked before the package is stored.
                var operation = importer.Package(upload, name).OwnedBy(Actor(http.User), ScopeOf(http).Tenant)
                    .AllowingOnly(async (resource, _) => await ResourceAuthorization.AllowsAsync(http, Options(http).ImportPolicy, resource).ConfigureAwait(false));
                try
                {
                    return Accepted(http, await operation.EnqueueAsync(validateOnly ?? false, cancellationToken).ConfigureAwait(false));
                }
                catch (Packages.DataPackageException e)
                {
                    return e.Problem == Packages.PackageProblem.ResourceNotAllowed ? Forbidden(e.Message) : BadRequest(e.Message);
                }
            },
            cancellationToken);
    }

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

        try
        {
            var (upload, clientName) = await UploadAsync(http.Request, cancellationToken).ConfigureAwait(false);
            if (upload is null)
            {
                return BadRequest("The request has no file: send it as the body, or as a file in a multipart form.");
            }

            var limited = new LimitedReadStream(upload, options.MaxUploadBytes);
            await using (limited.ConfigureAwait(false))
            {
                var sniffed = await limited.SniffAsync(cancellationToken).ConfigureAwait(false);
                return limited.Position == 0
                    ? BadRequest("The file is empty: choose the file with the rows to import.")
                    : await handle(limited, sniffed, clientName).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is UploadTooLargeException or BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            return TooLarge(options.MaxUploadBytes);
        }
        catch (UnreadableUploadException e)
        {
            return BadRequest(e.Message);
        }
    }

    /// <summary>Streams a data package of the named resources, read from their export sources, in the response.</summary>
    private static async Task<IResult> ExportPackageAsync(HttpContext http, IBulkExporter exporter, CancellationToken cancellationToken)
    {
        var query = http.Request.Query;
        var referencedRows = QueryParameters.Boolean(query, "referencedRows");
        var options = http.RequestServices.GetRequiredService<BulkDataHttpOptions>();
        var entries = new List<IResourceEntry>();
        foreach (var name in (QueryParameters.Text(query, "resources") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Resolve(http, name) is not { } entry)
            {
                return NotFound($"There is no resource '{name}'.");
            }

            // A resource's own export policy, when the application defines one, applies inside a package too.
            if (!await ResourceAuthorization.AllowsAsync(http, options.ExportPolicy, name).ConfigureAwait(false))
            {
                return Forbidden($"You may not export {name}.");
            }

            entries.Add(entry);
        }

        if (entries.Count == 0)
        {
            return BadRequest("Name the resources to export: ?resources=customer,order.");
        }

        var scope = ScopeOf(http);
        var package = entries.Aggregate(exporter.Package().OwnedBy(Actor(http.User), scope.Tenant).WithReferencedRows(referencedRows ?? false), (operation, entry) => entry.Accept(new AddToPackageCall(http.RequestServices, operation)));
        try
        {
            http.Response.ContentType = "application/zip";
            Attachment(http, "package.zip");
            using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await package.ToAsync(new ClientResponseStream(http.Response.BodyWriter, abort), abort.Token).ConfigureAwait(false);
            return Results.Empty;
        }
        catch (BulkDataConfigurationException e) when (!http.Response.HasStarted)
        {
            http.Response.Headers.ContentDisposition = default;
            return BadRequest(e.Message);
        }
    }

    private static async Task<IResult> ExportAsync(string resource, HttpContext http, CancellationToken cancellationToken)
    {
        if (Resolve(http, resource) is not { } entry)
        {
            return NotFound($"There is no resource '{resource}'.");
        }

        try
        {
            var request = ReadExport(http);
            var formats = http.RequestServices.GetRequiredService<ResourceRegistry>().Formats;
            var maxRows = Options(http).MaxInlineExportRows;

            // A client that goes away aborts the request: the export stops and its job ends cancelled.
            using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var result = await entry.Accept(new ExportCall(http.RequestServices, request, maxRows, () =>
            {
                http.Response.ContentType = formats.ContentTypeOf(request.Format);
                Attachment(http, $"{resource}.{request.Format}");
                return formats.Create(request.Format, new ClientResponseStream(http.Response.BodyWriter, abort));
            }, abort.Token)).ConfigureAwait(false);
            return result is null
                ? Results.Problem(
                    $"This export has more than {maxRows:N0} rows, more than one response carries. Queue it with POST {resource.ToLowerInvariant()}/exports (the same format, columns and filter) and download its file when the job is done.",
                    statusCode: StatusCodes.Status413PayloadTooLarge,
                    title: "The export is too large to stream.")
                : Results.Empty;
        }
        catch (BulkDataConfigurationException e) when (!http.Response.HasStarted)
        {
            // A bad filter or column is found before the first byte is sent: the answer is still a problem.
            http.Response.Headers.ContentDisposition = default;
            return BadRequest(e.Message);
        }
    }

    private static async Task<IResult> EnqueueExportAsync(string resource, HttpContext http, CancellationToken cancellationToken)
    {
        if (Resolve(http, resource) is not { } entry)
        {
            return NotFound($"There is no resource '{resource}'.");
        }

        try
        {
            var jobId = await entry.Accept(new EnqueueExportCall(http.RequestServices, ReadExport(http), cancellationToken)).ConfigureAwait(false);
            return Accepted(http, jobId);
        }
        catch (BulkDataConfigurationException e)
        {
            return BadRequest(e.Message);
        }
    }

    /// <summary>The caller's tenant's jobs, newest first, leaving out those of resources the caller may not reach.</summary>
    private static async Task<IResult> ListJobsAsync(HttpContext http, IJobStore jobs, CancellationToken cancellationToken)
    {
        var q = http.Request.Query;
        var query = new JobQuery
        {
            Status = QueryParameters.Enum<JobStatus>(q, "status"),
            Kind = QueryParameters.Enum<JobKind>(q, "kind"),
            CreatedFrom = QueryParameters.Time(q, "from"),
            CreatedBefore = QueryParameters.Time(q, "to"),
            Skip = QueryParameters.Integer(q, "skip", 0, int.MaxValue) ?? 0,
            Take = QueryParameters.Integer(q, "take", 1, 500) ?? 50,
        };
        var allowed = new List<Job>();
        await foreach (var job in jobs.QueryAsync(query, ScopeOf(http), cancellationToken).ConfigureAwait(false))
        {
            if (await ResourceAuthorization.AllowsAsync(http, job).ConfigureAwait(false))
            {
                allowed.Add(job);
            }
        }

        return Results.Ok(allowed);
    }

    private static async Task<IResult> GetJobAsync(Guid id, HttpContext http, IJobStore jobs, TimeProvider time, CancellationToken cancellationToken)
    {
        var (job, refusal) = await ReachAsync(http, jobs, id, operation: null, cancellationToken).ConfigureAwait(false);
        if (job is null)
        {
            return refusal!;
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
        var (job, refusal) = await ReachAsync(http, jobs, id, operation: null, cancellationToken).ConfigureAwait(false);
        if (job is null)
        {
            return refusal!;
        }

        try
        {
            return Results.Accepted(JobPath(http, id), await jobs.RequestCancelAsync(id, ScopeOf(http), cancellationToken: cancellationToken).ConfigureAwait(false));
        }
        catch (JobNotFoundException)
        {
            return JobNotFound(id);
        }
    }

    private static Task<IResult> ResumeJobAsync(Guid id, HttpContext http, IJobStore jobs, CancellationToken cancellationToken) =>
        ControlAsync(http, jobs, id, null, (runner, scope) => runner.ResumeAsync(jobs, id, scope, cancellationToken: cancellationToken), cancellationToken);

    private static async Task<IResult> PreviewAsync(Guid id, HttpContext http, IJobStore jobs, CancellationToken cancellationToken)
    {
        var rows = QueryParameters.Integer(http.Request.Query, "rows", 1, 1_000) ?? 20;
        var (found, refusal) = await ReachAsync(http, jobs, id, Options(http).ImportPolicy, cancellationToken).ConfigureAwait(false);
        if (found is { Kind: JobKind.Import, Format: Formats.FileFormats.DataPackage })
        {
            return Results.Ok(PackagePreviewView.Of(found));
        }

        if (found is not { Kind: JobKind.Import } job
            || Resolve(http, job.Resource) is not { } entry
            || http.RequestServices.GetService<IFileStore>() is not { } files)
        {
            return refusal ?? JobNotFound(id);
        }

        try
        {
            var file = await files.OpenJobFileAsync(job, JobParameters.File, cancellationToken).ConfigureAwait(false);
            await using (file.ConfigureAwait(false))
            {
                return Results.Ok(await entry.Accept(new PreviewCall(http.RequestServices, job, file, rows, cancellationToken)).ConfigureAwait(false));
            }
        }
        catch (StoredFileNotFoundException)
        {
            return JobNotFound(id);
        }
    }

    private static Task<IResult> SetMappingAsync(Guid id, HttpContext http, IJobStore jobs, Dictionary<string, string?> mapping, CancellationToken cancellationToken) =>
        ControlAsync(
            http,
            jobs,
            id,
            Options(http).ImportPolicy,
            async (runner, scope) =>
            {
                // A blank name, or a column the resource does not have, is refused now, not found by the worker later.
                var chosen = mapping.Select(m => string.IsNullOrWhiteSpace(m.Key) || string.IsNullOrWhiteSpace(m.Value)
                        ? throw new BulkDataConfigurationException("mapping", $"The mapping of '{m.Key}' to '{m.Value}' names no header or no column: give each file header the column it fills.")
                        : KeyValuePair.Create(m.Key, m.Value))
                    .ToDictionary();
                if (await jobs.GetAsync(id, scope, cancellationToken).ConfigureAwait(false) is { } job && Resolve(http, job.Resource) is { } entry)
                {
                    entry.Accept(new CheckMappingCall(http.RequestServices, chosen));
                }

                return await runner.SetMappingAsync(jobs, id, scope, chosen, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);

    private static Task<IResult> CommitJobAsync(Guid id, HttpContext http, IJobStore jobs, CancellationToken cancellationToken)
    {
        var commitMode = QueryParameters.Enum<CommitMode>(http.Request.Query, "commitMode");
        var mergeStrategy = QueryParameters.Enum<MergeStrategy>(http.Request.Query, "mergeStrategy");
        return ControlAsync(http, jobs, id, Options(http).ImportPolicy, (runner, scope) => runner.CommitAsync(jobs, id, scope, commitMode, mergeStrategy, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Runs a request on a queued job the caller may reach: 202 with the job, 404 outside the caller's scope, 403
    /// when the resource's policy refuses, 400 for a setting the resource cannot take, 409 when the job's state refuses it.
    /// </summary>
    private static async Task<IResult> ControlAsync(HttpContext http, IJobStore jobs, Guid id, string? operation, Func<IJobRunner, JobScope, ValueTask<Job>> control, CancellationToken cancellationToken)
    {
        var (job, refusal) = await ReachAsync(http, jobs, id, operation, cancellationToken).ConfigureAwait(false);
        if (job is null)
        {
            return refusal!;
        }

        try
        {
            var runner = http.RequestServices.GetService<IJobRunner>() ?? throw new BulkDataException("This application runs no queued jobs.");
            return Results.Accepted(JobPath(http, id), await control(runner, ScopeOf(http)).ConfigureAwait(false));
        }
        catch (JobNotFoundException)
        {
            return JobNotFound(id);
        }
        catch (BulkDataConfigurationException e)
        {
            return BadRequest(e.Message);
        }
        catch (BulkDataException e)
        {
            return Conflict(e.Message);
        }
    }

    private static async Task<IResult> RollbackAsync(Guid id, HttpContext http, IJobStore jobs, CancellationToken cancellationToken)
    {
        var force = QueryParameters.Boolean(http.Request.Query, "force");
        var (job, refusal) = await ReachAsync(http, jobs, id, Options(http).RollbackPolicy, cancellationToken).ConfigureAwait(false);
        if (job is null)
        {
            return refusal!;
        }

        if (http.RequestServices.GetService<IImportRollback>() is not { } rollback)
        {
            return Results.Problem("This application's import target does not record its changes, so imports cannot be rolled back.", statusCode: StatusCodes.Status409Conflict, title: "Rollback is not available.");
        }

        try
        {
            return Results.Ok(await rollback.RollbackAsync(id, ScopeOf(http), force ?? false, cancellationToken).ConfigureAwait(false));
        }
        catch (JobNotFoundException)
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

    private static async Task<IResult> ErrorReportAsync(Guid id, HttpContext http, IJobStore jobs, CancellationToken cancellationToken)
    {
        var (found, refusal) = await ReachAsync(http, jobs, id, Options(http).ImportPolicy, cancellationToken).ConfigureAwait(false);
        if (found is not { Kind: JobKind.Import } job || http.RequestServices.GetService<IFileStore>() is not { } files)
        {
            return refusal ?? JobNotFound(id);
        }

        if (job.Format == Formats.FileFormats.DataPackage)
        {
            // A package's rows live in several files: its report is the list of errors, each naming its resource.
            return Results.Ok(job.Errors);
        }

        Stream upload;
        try
        {
            upload = await files.OpenJobFileAsync(job, JobParameters.File, cancellationToken).ConfigureAwait(false);
        }
        catch (StoredFileNotFoundException)
        {
            return JobNotFound(id);
        }

        await using (upload.ConfigureAwait(false))
        {
            // The report keeps the upload's format, so the user fixes the rows in the tool they came from; it streams.
            var registry = http.RequestServices.GetRequiredService<ResourceRegistry>();
            var source = registry.Formats.Open(job, upload);
            var sink = ImportErrorReport.SinkFor(source, http.Response.Body);
            http.Response.ContentType = registry.Formats.ContentTypeOf(sink.Format, "application/octet-stream");
            Attachment(http, $"{Path.GetFileNameWithoutExtension(job.FileName ?? "upload")}.errors.{sink.Format}");
            await using (sink.ConfigureAwait(false))
            {
                await ImportErrorReport.WriteAsync(source, job, files, sink, cancellationToken).ConfigureAwait(false);
            }
        }

        return Results.Empty;
    }

    private static async Task<IResult> DeleteJobAsync(Guid id, HttpContext http, IJobStore jobs, CancellationToken cancellationToken)
    {
        var (job, refusal) = await ReachAsync(http, jobs, id, operation: null, cancellationToken).ConfigureAwait(false);
        if (job is null)
        {
            return refusal!;
        }

        try
        {
            await jobs.DeleteAsync(id, ScopeOf(http), http.RequestServices.GetService<IFileStore>(), cancellationToken).ConfigureAwait(false);
            return Results.NoContent();
        }
        catch (JobNotFoundException)
        {
            return JobNotFound(id);
        }
        catch (BulkDataException e)
        {
            return Conflict(e.Message);
        }
    }

    private static async Task<IResult> DownloadAsync(Guid id, string which, HttpContext http, IJobStore jobs, CancellationToken cancellationToken)
    {
        if (which is not ("output" or "file") || http.RequestServices.GetService<IFileStore>() is not { } files)
        {
            return JobNotFound(id);
        }

        // A queued export's output is an export; an upload belongs to its import.
        var (job, refusal) = await ReachAsync(http, jobs, id, which == "output" ? Options(http).ExportPolicy : Options(http).ImportPolicy, cancellationToken).ConfigureAwait(false);
        if (job is null)
        {
            return refusal!;
        }

        try
        {
            var stream = await files.OpenJobFileAsync(job, which, cancellationToken).ConfigureAwait(false);
            var name = which == "output" ? $"{job.Resource}.{job.Format}" : job.FileName ?? "upload";
            return Results.File(stream, "application/octet-stream", SafeName(name));
        }
        catch (StoredFileNotFoundException)
        {
            return JobNotFound(id);
        }
    }

    /// <summary>
    /// Finds a job of the caller's scope that the caller may reach for an operation (null: the job's own): the job, or
    /// the answer that refuses it (404 outside the scope, 403 when its resource's policy refuses the caller).
    /// </summary>
    private static async Task<(Job? Job, IResult? Refusal)> ReachAsync(HttpContext http, IJobStore jobs, Guid id, string? operation, CancellationToken cancellationToken)
    {
        if (await jobs.GetAsync(id, ScopeOf(http), cancellationToken).ConfigureAwait(false) is not { } job)
        {
            return (null, JobNotFound(id));
        }

        return await ResourceAuthorization.AllowsAsync(http, job, operation).ConfigureAwait(false)
            ? (job, null)
            : (null, Forbidden($"You may not reach job {id}: its resource's policy refuses you."));
    }

    /// <summary>Answers a parameter the API cannot take as given with a 400 naming it, on every route.</summary>
    private static async ValueTask<object?> RefuseInvalidParametersAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (InvalidParameterException e) when (!context.HttpContext.Response.HasStarted)
        {
            context.HttpContext.Response.Headers.ContentDisposition = default;
            return Results.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: $"The parameter {e.Name} is not valid.", extensions: new Dictionary<string, object?> { ["parameter"] = e.Name });
        }
    }

    /// <summary>Names the response's file, for any characters (RFC 6266: an ASCII <c>filename</c> and a UTF-8 <c>filename*</c>).</summary>
    private static void Attachment(HttpContext http, string fileName)
    {
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(fileName);
        http.Response.Headers.ContentDisposition = disposition.ToString();
    }

    private static BulkDataHttpOptions Options(HttpContext http) => http.RequestServices.GetRequiredService<BulkDataHttpOptions>();

    private static IResourceEntry? Resolve(HttpContext http, string resource) =>
        http.RequestServices.GetRequiredService<ResourceRegistry>().Find(resource);

    private static JobScope ScopeOf(HttpContext http) => http.RequestServices.GetRequiredService<ICallerScopeResolver>().Resolve(http.User);

    private static string? Actor(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier) ?? user.Identity?.Name;

    private static ExportRequest ReadExport(HttpContext http)
    {
        var query = http.Request.Query;
        var format = http.RequestServices.GetRequiredService<ResourceRegistry>().Formats.CheckWritable(QueryParameters.Text(query, "format") ?? "csv");
        var columns = (QueryParameters.Text(query, "columns") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var filter = QueryParameters.Text(query, "filter") is { } json ? ExportFilter.FromJson(json) : null;
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
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false) is { } section)
            {
                if (section.AsFileSection() is { } file)
                {
                    return (file.FileStream, file.FileName);
                }
            }
        }
        catch (Exception e) when (UnreadableUploadException.IsUnreadable(e))
        {
            throw new UnreadableUploadException(e);
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

    private static IResult Forbidden(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden.");

    private static IResult Conflict(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "The job's state does not allow it.");

    private static IResult BadRequest(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "The request cannot be carried out.");

    private static IResult TooLarge(long limit) =>
        Results.Problem($"The upload is larger than the limit of {limit:N0} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "The upload is too large.");
}
