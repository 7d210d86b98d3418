using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BulkData.Export;
using BulkData.Jobs;
using BulkData.Sinks;
using Microsoft.Extensions.DependencyInjection;

namespace BulkData.AspNetCore.Tests;

/// <summary>Issue 13: the HTTP API over a real Kestrel server, called with <see cref="HttpClient"/>.</summary>
public sealed class HttpApiTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private static StringContent Csv(int rows, string prefix = "c")
    {
        var csv = new StringBuilder("Email,Name,Age\n");
        for (var i = 1; i <= rows; i++)
        {
            csv.Append(prefix).Append(i).Append("@example.com,Person ").Append(i).Append(',').Append(20 + (i % 50)).Append('\n');
        }

        return new StringContent(csv.ToString(), Encoding.UTF8, "text/csv");
    }

    private static async Task<Job> PollAsync(TestServer server, Uri location, string user = "ann", string tenant = "acme")
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await server.Client.SendAsync(TestServer.As(HttpMethod.Get, location.ToString(), user, tenant));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var job = (await response.Content.ReadFromJsonAsync<Job>(Json))!;
            if (job.IsFinished)
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The job is still {job.Status}.");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Upload_Poll_Export_Download_TheWholeFlowOverHttp()
    {
        await using var server = await TestServer.StartAsync();

        using var upload = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, "/bulkdata/contact/imports?fileName=contacts.csv&commitMode=Partial", "ann", content: Csv(250)));
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var accepted = (await upload.Content.ReadFromJsonAsync<JobAccepted>(Json))!;
        Assert.Equal($"/bulkdata/jobs/{accepted.JobId}", upload.Headers.Location!.ToString());
        var job = await PollAsync(server, upload.Headers.Location!);
        Assert.Equal((JobStatus.Completed, 250L, "acme", "ann", "csv"), (job.Status, job.Counts.Created, job.Tenant, job.Owner, job.Format));
        using (var status = await server.Client.SendAsync(TestServer.As(HttpMethod.Get, upload.Headers.Location!.ToString(), "ann")))
        {
            var json = await status.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(json.GetProperty("rowsPerSecond").GetDouble() > 0);
            Assert.Equal(JsonValueKind.Null, json.GetProperty("etaSeconds").ValueKind);
            Assert.Equal("Completed", json.GetProperty("status").GetString());
        }
        Assert.Equal(250, server.Contacts.Count);

        var filter = Uri.EscapeDataString(ExportFilter.Where("Age", FilterOperator.GreaterThanOrEqual, "68").ToJson());
        using var export = await server.Client.SendAsync(TestServer.As(HttpMethod.Get, $"/bulkdata/contact/export?format=csv&columns=Email,Age&filter={filter}", "ann"));
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/csv", export.Content.Headers.ContentType!.MediaType);
        var lines = (await export.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Email,Age", lines[0]);
        Assert.Equal(server.Contacts.Count(c => c.Age >= 68), lines.Length - 1);

        using var queued = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, "/bulkdata/contact/exports?format=xlsx", "bob"));
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var exportJob = await PollAsync(server, queued.Headers.Location!, "bob");
        Assert.Equal(JobStatus.Completed, exportJob.Status);
        using var file = await server.Client.SendAsync(TestServer.As(HttpMethod.Get, $"/bulkdata/jobs/{exportJob.Id}/files/output", "ann"));
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("PK"u8.ToArray(), (await file.Content.ReadAsByteArrayAsync())[..2]);

        using var list = await server.Client.SendAsync(TestServer.As(HttpMethod.Get, "/bulkdata/jobs?kind=Import", "ann"));
        Assert.Equal([accepted.JobId], (await list.Content.ReadFromJsonAsync<Job[]>(Json))!.Select(j => j.Id));
        using var deleted = await server.Client.SendAsync(TestServer.As(HttpMethod.Delete, $"/bulkdata/jobs/{accepted.JobId}", "ann"));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Null(await server.Jobs.GetAsync(accepted.JobId));
    }

    [Fact]
    public async Task GuidedFlow_MisspeltHeader_PreviewSetMappingCommit_AndTheMappingIsRemembered()
    {
        await using var server = await TestServer.StartAsync();
        const string csv = "Emial,Name,Age\na@example.com,Ann,30\nb@example.com,Bob,41\n";

        using var upload = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, "/bulkdata/contact/imports?validateOnly=true", "ann", content: new StringContent(csv, Encoding.UTF8, "text/csv")));
        var validated = await PollAsync(server, upload.Headers.Location!);
        Assert.Equal(JobStatus.ValidationFailed, validated.Status);
        Assert.Empty(server.Contacts);

        using var previewResponse = await server.Client.SendAsync(TestServer.As(HttpMethod.Get, $"/bulkdata/jobs/{validated.Id}/preview?rows=5", "ann"));
        var preview = (await previewResponse.Content.ReadFromJsonAsync<ImportPreviewView>(Json))!;
        Assert.Equal(["Email"], preview.MissingColumns);
        Assert.Contains(preview.Suggestions, s => s.Header == "Emial" && s.Column == "Email");

        using var early = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, $"/bulkdata/jobs/{validated.Id}/commit", "ann"));
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);

        using var mapped = await server.Client.SendAsync(TestServer.As(HttpMethod.Put, $"/bulkdata/jobs/{validated.Id}/mapping", "ann", content: JsonContent.Create(new Dictionary<string, string> { ["Emial"] = "Email" })));
        Assert.Equal(HttpStatusCode.Accepted, mapped.StatusCode);
        Assert.Equal(JobStatus.Validated, (await PollAsync(server, upload.Headers.Location!)).Status);
        Assert.Empty(server.Contacts);
        using var mappedPreview = await server.Client.SendAsync(TestServer.As(HttpMethod.Get, $"/bulkdata/jobs/{validated.Id}/preview", "ann"));
        var rows = (await mappedPreview.Content.ReadFromJsonAsync<ImportPreviewView>(Json))!;
        Assert.Contains(rows.Matches, m => m.Header == "Emial" && m.Column == "Email");
        Assert.Equal([["a@example.com", "Ann", "30"], ["b@example.com", "Bob", "41"]], rows.Rows.Select(r => r.Cells));

        using var commit = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, $"/bulkdata/jobs/{validated.Id}/commit", "ann"));
        Assert.Equal(HttpStatusCode.Accepted, commit.StatusCode);
        var committed = await PollAsync(server, upload.Headers.Location!);
        Assert.Equal((JobStatus.Completed, 2L), (committed.Status, committed.Counts.Created));

        // The next file with the same headers, from another user of the tenant, maps without help.
        using var again = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, "/bulkdata/contact/imports", "bob", content: new StringContent("Emial,Name,Age\nc@example.com,Cy,25\n", Encoding.UTF8, "text/csv")));
        Assert.Equal(JobStatus.Completed, (await PollAsync(server, again.Headers.Location!, "bob")).Status);
        Assert.Equal(3, server.Contacts.Count);

        // Another tenant's identical headers do not get this tenant's mapping.
        using var other = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, "/bulkdata/contact/imports", "eve", tenant: "globex", content: new StringContent("Emial,Name,Age\nd@example.com,Di,25\n", Encoding.UTF8, "text/csv")));
        Assert.Equal(JobStatus.ValidationFailed, (await PollAsync(server, other.Headers.Location!, "eve", "globex")).Status);
    }

    [Fact]
    public async Task OnADatabase_ErrorReportThenRollback_OverHttp()
    {
        await using var server = await TestServer.StartAsync(database: true);
        const string csv = "Email,Name,Age\na@example.com,Ann,30\nb@example.com,Bob,forty\nc@example.com,Cy,25\n";

        using var upload = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, "/bulkdata/contact/imports?commitMode=Partial", "ann", content: new StringContent(csv, Encoding.UTF8, "text/csv")));
        var job = await PollAsync(server, upload.Headers.Location!);
        Assert.True((JobStatus.CompletedWithErrors, 2L) == (job.Status, job.Counts.Created), $"{job.Status}: {job.FailureReason}");
        Assert.Equal(["a@example.com", "c@example.com"], (await server.StoredContactsAsync()).Select(c => c.Email));

        using var report = await server.Client.SendAsync(TestServer.As(HttpMethod.Get, $"/bulkdata/jobs/{job.Id}/errors", "ann"));
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        var lines = (await report.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("b@example.com,Bob,forty,", lines[1], StringComparison.Ordinal);
        Assert.Contains("Age", lines[1], StringComparison.Ordinal);

        // The upload's merge strategy over the target's (upsert): existing contacts are kept; an unknown one is 400.
        using var skip = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, "/bulkdata/contact/imports?mergeStrategy=skipexisting", "ann", content: new StringContent("Email,Name,Age\na@example.com,Changed,31\n", Encoding.UTF8, "text/csv")));
        var skipped = await PollAsync(server, skip.Headers.Location!);
        Assert.Equal((JobStatus.Completed, 1L, "SkipExisting"), (skipped.Status, skipped.Counts.Skipped, skipped.Parameters["mergeStrategy"]));
        Assert.Equal("Ann", (await server.StoredContactsAsync())[0].Name);
        using var unknown = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, "/bulkdata/contact/imports?mergeStrategy=merge", "ann", content: Csv(1)));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);

        using var rollback = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, $"/bulkdata/jobs/{job.Id}/rollback", "ann"));
        Assert.Equal(HttpStatusCode.OK, rollback.StatusCode);
        Assert.Equal(2, (await rollback.Content.ReadFromJsonAsync<BulkData.Import.RollbackResult>(Json))!.Deleted);
        Assert.Empty(await server.StoredContactsAsync());

        using var again = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, $"/bulkdata/jobs/{job.Id}/rollback", "ann"));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("nothing was changed", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    /// <summary>Issue 26: a lookup column's values that name no record, listed per column in the preview, and the upload committed once they do.</summary>
    [Fact]
    public async Task Preview_ListsTheUnresolvedValuesPerColumn()
    {
        await using var server = await TestServer.StartAsync(database: true);
        await using (var db = await server.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<ContactContext>>().CreateDbContextAsync())
        {
            db.Add(new Team { Code = "T1", Name = "One" });
            await db.SaveChangesAsync();
        }

        const string csv = "Reference,Team\nX1,t1\nX2,T9\nX3, T9\nX4,Nowhere\n";
        using var upload = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, "/bulkdata/transfer/imports?validateOnly=true", "ann", content: new StringContent(csv, Encoding.UTF8, "text/csv")));
        var validated = await PollAsync(server, upload.Headers.Location!);
        Assert.Equal(JobStatus.ValidationFailed, validated.Status);

        using var previewResponse = await server.Client.SendAsync(TestServer.As(HttpMethod.Get, $"/bulkdata/jobs/{validated.Id}/preview", "ann"));
        var preview = (await previewResponse.Content.ReadFromJsonAsync<ImportPreviewView>(Json))!;
        Assert.Equal(["Team"], preview.Unresolved.Keys);
        Assert.Equal(["T9", "Nowhere"], preview.Unresolved["Team"]);
        Assert.Equal([[], ["Team"], ["Team"], ["Team"]], preview.Rows.Select(r => r.Errors.Select(e => e.Column!).ToArray()));
    }

    /// <summary>
    /// A data package over HTTP: exported from one server (players with the teams they reference), uploaded to
    /// another to validate only, previewed per resource, committed, and rolled back, every resource at once.
    /// </summary>
    [Fact]
    public async Task DataPackage_ExportUploadPreviewCommitRollback_OverHttp()
    {
        await using var source = await TestServer.StartAsync(database: true);
        await source.SeedPlayersAsync(("RED", ["ann@example.com", "bob@example.com"]), ("BLU", ["cy@example.com"]), ("GRN", []));
        using var export = await source.Client.SendAsync(TestServer.As(HttpMethod.Get, "/bulkdata/packages/export?resources=player&referencedRows=true", "ann"));
        Assert.Equal((HttpStatusCode.OK, "application/zip"), (export.StatusCode, export.Content.Headers.ContentType?.MediaType));
        var package = await export.Content.ReadAsByteArrayAsync();

        await using var server = await TestServer.StartAsync(database: true);
        using var form = new MultipartFormDataContent { { new ByteArrayContent(package), "file", "../../league.zip" } };
        using var upload = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, "/bulkdata/packages/imports?validateOnly=true", "ann", content: form));
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var validated = await PollAsync(server, upload.Headers.Location!);
        Assert.True(validated.Status == JobStatus.Validated, $"{validated.Status}: {validated.FailureReason} {string.Join("; ", validated.Errors)}");
        Assert.Equal("league.zip", validated.FileName);

        using var preview = await server.Client.SendAsync(TestServer.As(HttpMethod.Get, $"/bulkdata/jobs/{validated.Id}/preview", "ann"));
        var view = (await preview.Content.ReadFromJsonAsync<PackagePreviewView>(Json))!;
        Assert.Equal(["team: 2 new", "player: 3 new"], view.Resources.Select(r => $"{r.Name}: {r.New} new"));
        Assert.Empty(await server.StoredPlayersAsync());

        using var commit = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, $"/bulkdata/jobs/{validated.Id}/commit", "ann"));
        Assert.Equal(HttpStatusCode.Accepted, commit.StatusCode);
        var done = await PollAsync(server, upload.Headers.Location!);
        Assert.True(done.Status == JobStatus.Completed, $"{done.Status}: {done.FailureReason}");
        Assert.Equal(["ann@example.com in RED", "bob@example.com in RED", "cy@example.com in BLU"], await server.StoredPlayersAsync());

        using var rollback = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, $"/bulkdata/jobs/{done.Id}/rollback", "ann"));
        Assert.Equal(HttpStatusCode.OK, rollback.StatusCode);
        Assert.Equal(5, (await rollback.Content.ReadFromJsonAsync<BulkData.Import.RollbackResult>(Json))!.Deleted);
        Assert.Empty(await server.StoredPlayersAsync());
    }

    /// <summary>A package that is refused (here: it holds a file whose name climbs out of the package) fails its job with the reason; nothing is written.</summary>
    [Fact]
    public async Task DataPackage_Hostile_FailsItsJobWithTheReason_AndANonZipIs400()
    {
        await using var server = await TestServer.StartAsync(database: true);
        using var output = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(output, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            await using (var manifest = zip.CreateEntry("datapackage.json").Open())
            {
                await manifest.WriteAsync("{\"resources\":[{\"name\":\"team\",\"path\":\"../team.csv\"}]}"u8.ToArray());
            }

            await using var evil = zip.CreateEntry("../team.csv").Open();
            await evil.WriteAsync("Code,Name\nX,Evil\n"u8.ToArray());
        }

        using var upload = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, "/bulkdata/packages/imports", "ann", content: new ByteArrayContent(output.ToArray())));
        var job = await PollAsync(server, upload.Headers.Location!);
        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Contains("could write outside the package", job.FailureReason, StringComparison.Ordinal);

        using var notZip = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, "/bulkdata/packages/imports", "ann", content: Csv(2)));
        Assert.Equal(HttpStatusCode.BadRequest, notZip.StatusCode);
    }

    /// <summary>The importer page: served from the assembly, behind the import policy, with a strict content policy and the application's texts over its own.</summary>
    [Fact]
    public async Task ImporterPage_IsServedWithItsScriptStylesAndTheApplicationsTexts()
    {
        await using var server = await TestServer.StartAsync();
        using var page = await server.Client.SendAsync(TestServer.As(HttpMethod.Get, "/import", "ann"));
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<title>Daten importieren</title>", html, StringComparison.Ordinal);
        Assert.Contains("data-api=\"/bulkdata\"", html, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        using var texts = await server.Client.SendAsync(TestServer.As(HttpMethod.Get, "/import/texts.json", "ann"));
        var json = await texts.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("Daten importieren", "Download the rows with errors"), (json.GetProperty("title").GetString(), json.GetProperty("downloadErrors").GetString()));
        using var script = await server.Client.SendAsync(TestServer.As(HttpMethod.Get, "/import/importer.js", "ann"));
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);

        using var resources = await server.Client.SendAsync(TestServer.As(HttpMethod.Get, "/bulkdata/resources", "ann"));
        var contact = (await resources.Content.ReadFromJsonAsync<ResourceView[]>(Json))!.Single(r => r.Name == "Contact");
        Assert.Equal(("contact", "Email:key,Name,Age"), (contact.Path, string.Join(",", contact.Columns.Select(c => c.Key ? $"{c.Name}:key" : c.Name))));
    }

    [Fact]
    public async Task ResourcePolicy_ReplacesTheOperationsPolicyForThatResource_AndCultureIsRecorded()
    {
        await using var server = await TestServer.StartAsync(runJobs: false);

        using var allowed = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, "/bulkdata/contact/imports?culture=de-DE", "cy", roles: "contact-importer", content: Csv(1)));
        using var badCulture = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, "/bulkdata/contact/imports?culture=xx-NOPE", "cy", roles: "contact-importer", content: Csv(1)));

        Assert.Equal(HttpStatusCode.Accepted, allowed.StatusCode);
        var job = (await server.Jobs.GetAsync((await allowed.Content.ReadFromJsonAsync<JobAccepted>(Json))!.JobId))!;
        Assert.Equal("de-DE", job.Parameters["culture"]);
        Assert.Equal(HttpStatusCode.BadRequest, badCulture.StatusCode);
    }

    /// <summary>A contact as another tool exported it, with its email column misspelt.</summary>
    public sealed class MisspeltContact
    {
        [BulkData.Resources.Header("Emial")]
        public string Email { get; set; } = "";

        public string Name { get; set; } = "";

        public int Age { get; set; }
    }

    /// <summary>The guided flow on a database for each format: upload to validate, preview, set the mapping, commit, then roll back.</summary>
    [Theory]
    [InlineData("csv")]
    [InlineData("xlsx")]
    public async Task GuidedFlow_OnADatabase_UploadPreviewMapCommitRollback(string format)
    {
        await using var server = await TestServer.StartAsync(database: true);
        using var file = new MemoryStream();
        await using (var services = new ServiceCollection().AddBulkData(b => b.AddResource<MisspeltContact>()).Services.BuildServiceProvider())
        {
            IExportSink sink = format == "xlsx" ? XlsxSink.ToStream(file) : CsvSink.ToStream(file);
            await using (sink)
            {
                await services.GetRequiredService<IBulkExporter>().For<MisspeltContact>()
                    .From([new MisspeltContact { Email = "a@example.com", Name = "Ann", Age = 30 }, new MisspeltContact { Email = "b@example.com", Name = "Bob", Age = 41 }])
                    .ToAsync(sink);
            }
        }

        using var upload = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, $"/bulkdata/contact/imports?validateOnly=true&fileName=contacts.{format}", "ann", content: new ByteArrayContent(file.ToArray())));
        var validated = await PollAsync(server, upload.Headers.Location!);
        Assert.Equal((JobStatus.ValidationFailed, format), (validated.Status, validated.Format));

        using var previewResponse = await server.Client.SendAsync(TestServer.As(HttpMethod.Get, $"/bulkdata/jobs/{validated.Id}/preview", "ann"));
        var preview = (await previewResponse.Content.ReadFromJsonAsync<ImportPreviewView>(Json))!;
        Assert.Equal(("Emial,Name,Age", "Email"), (string.Join(",", preview.Headers), string.Join(",", preview.MissingColumns)));

        using var mapped = await server.Client.SendAsync(TestServer.As(HttpMethod.Put, $"/bulkdata/jobs/{validated.Id}/mapping", "ann", content: JsonContent.Create(new Dictionary<string, string> { ["Emial"] = "Email" })));
        Assert.Equal(JobStatus.Validated, (await PollAsync(server, upload.Headers.Location!)).Status);
        Assert.Empty(await server.StoredContactsAsync());

        using var commit = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, $"/bulkdata/jobs/{validated.Id}/commit", "ann"));
        var done = await PollAsync(server, upload.Headers.Location!);
        Assert.Equal((JobStatus.Completed, 2L), (done.Status, done.Counts.Created));
        Assert.Equal(["a@example.com Ann 30", "b@example.com Bob 41"], (await server.StoredContactsAsync()).Select(c => $"{c.Email} {c.Name} {c.Age}"));

        using var rollback = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, $"/bulkdata/jobs/{done.Id}/rollback", "ann"));
        Assert.Equal(HttpStatusCode.OK, rollback.StatusCode);
        Assert.Empty(await server.StoredContactsAsync());
    }

    [Fact]
    public async Task MultipartUpload_FormatIsReadFromTheBytes_NotFromTheFileName()
    {
        await using var server = await TestServer.StartAsync();
        using var workbook = new MemoryStream();
        await using (var services = new ServiceCollection().AddBulkData(b => b.AddResource<Contact>()).Services.BuildServiceProvider())
        {
            await services.GetRequiredService<IBulkExporter>().For<Contact>()
                .From([new Contact { Email = "x@example.com", Name = "X", Age = 33 }]).ToAsync(XlsxSink.ToStream(workbook));
        }

        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(workbook.ToArray());
        part.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        form.Add(part, "file", "../../etc/contacts.txt");
        using var upload = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, "/bulkdata/contact/imports", "ann", content: form));

        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var job = await PollAsync(server, upload.Headers.Location!);
        Assert.Equal((JobStatus.Completed, "xlsx", "contacts.xlsx"), (job.Status, job.Format, job.FileName));
        Assert.Equal(33, server.Contacts.Single().Age);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Upload_OverTheLimit_Is413AndNothingIsStored(bool declaredLength)
    {
        await using var server = await TestServer.StartAsync(o => o.MaxUploadBytes = 1_000, runJobs: false);
        HttpContent content = declaredLength ? Csv(200) : new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(await Csv(200).ReadAsStringAsync())));
        if (!declaredLength)
        {
            content.Headers.ContentLength = null;
        }

        using var upload = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, "/bulkdata/contact/imports", "ann", content: content));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, upload.StatusCode);
        Assert.Equal("application/problem+json", upload.Content.Headers.ContentType!.MediaType);
        Assert.Empty(await server.Jobs.QueryAsync(new JobQuery()).ToListAsync());
        Assert.Empty(Directory.GetFiles(server.Folder));
    }

    [Fact]
    public async Task UnknownResourceAndBadFilter_AreProblemDetails()
    {
        await using var server = await TestServer.StartAsync();

        using var unknown = await server.Client.SendAsync(TestServer.As(HttpMethod.Get, "/bulkdata/invoice/export", "ann"));
        using var badFilter = await server.Client.SendAsync(TestServer.As(HttpMethod.Get, $"/bulkdata/contact/export?filter={Uri.EscapeDataString(ExportFilter.Where("Salary", FilterOperator.Equal, "1").ToJson())}", "ann"));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badFilter.StatusCode);
        var problem = await badFilter.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("has no field 'Salary'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Every endpoint with no user (401), a user without the operation's role (403), and another tenant's user on
    /// this tenant's job (404, as for a job that does not exist): each refused, and nothing read or written.
    /// </summary>
    [Theory]
    [InlineData("POST", "/bulkdata/contact/imports", "exporter")]
    [InlineData("GET", "/bulkdata/contact/export", "importer")]
    [InlineData("POST", "/bulkdata/contact/exports", "importer")]
    [InlineData("POST", "/bulkdata/packages/imports", "exporter")]
    [InlineData("GET", "/bulkdata/resources", "exporter")]
    [InlineData("GET", "/import", "exporter")]
    [InlineData("GET", "/import/importer.js", "exporter")]
    [InlineData("GET", "/bulkdata/packages/export?resources=contact", "importer")]
    [InlineData("GET", "/bulkdata/jobs", "")]
    [InlineData("GET", "/bulkdata/jobs/{id}", "")]
    [InlineData("POST", "/bulkdata/jobs/{id}/cancel", "")]
    [InlineData("POST", "/bulkdata/jobs/{id}/resume", "")]
    [InlineData("DELETE", "/bulkdata/jobs/{id}", "")]
    [InlineData("GET", "/bulkdata/jobs/{id}/preview", "exporter")]
    [InlineData("PUT", "/bulkdata/jobs/{id}/mapping", "exporter")]
    [InlineData("POST", "/bulkdata/jobs/{id}/commit", "exporter")]
    [InlineData("POST", "/bulkdata/jobs/{id}/rollback", "exporter")]
    [InlineData("GET", "/bulkdata/jobs/{id}/errors", "exporter")]
    [InlineData("GET", "/bulkdata/jobs/{id}/files/file", "")]
    public async Task EveryEndpoint_RefusesAnonymousTheWrongRoleAndOtherTenants(string method, string path, string wrongRole)
    {
        await using var server = await TestServer.StartAsync(runJobs: false);
        using var upload = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, "/bulkdata/contact/imports", "ann", content: Csv(3)));
        var jobId = (await upload.Content.ReadFromJsonAsync<JobAccepted>(Json))!.JobId;
        var before = await SnapshotAsync(server);
        var url = path.Replace("{id}", jobId.ToString(), StringComparison.Ordinal);
        HttpContent? Body() => path.EndsWith("imports", StringComparison.Ordinal) ? Csv(3)
            : path.EndsWith("mapping", StringComparison.Ordinal) ? JsonContent.Create(new Dictionary<string, string> { ["Email"] = "Email" })
            : null;

        using var anonymous = await server.Client.SendAsync(TestServer.As(new HttpMethod(method), url, null, content: Body()));
        using var wrong = await server.Client.SendAsync(TestServer.As(new HttpMethod(method), url, "mallory", roles: wrongRole, content: Body()));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Equal(before, await SnapshotAsync(server));

        // Another tenant may import and export its own data; it never reaches this tenant's jobs.
        using var stranger = await server.Client.SendAsync(TestServer.As(new HttpMethod(method), url, "eve", tenant: "globex", content: Body()));
        if (path.Contains("{id}", StringComparison.Ordinal))
        {
            Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
            Assert.DoesNotContain(jobId.ToString(), await stranger.Content.ReadAsStringAsync() is var body && body.Contains("There is no job", StringComparison.Ordinal) ? string.Empty : body, StringComparison.Ordinal);
            Assert.Equal(before, await SnapshotAsync(server));
        }
        else if (path == "/bulkdata/jobs")
        {
            Assert.Empty((await stranger.Content.ReadFromJsonAsync<Job[]>(Json))!);
        }
    }

    /// <summary>What a refused request must not change: the jobs (with their versions) and the stored files.</summary>
    private static async Task<string> SnapshotAsync(TestServer server)
    {
        var jobs = await server.Jobs.QueryAsync(new JobQuery { Take = 1_000 }).Select(j => $"{j.Id}:{j.Status}:{j.Version}:{j.CancelRequested}").ToListAsync();
        return $"{string.Join(",", jobs.Order())}|{string.Join(",", Directory.GetFiles(server.Folder).Select(Path.GetFileName).Order())}|{server.Contacts.Count}";
    }
}
