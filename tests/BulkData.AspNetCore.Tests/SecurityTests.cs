using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using BulkData.Jobs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BulkData.AspNetCore.Tests;

/// <summary>Issue 23: the HTTP surface as an attacker meets it, over a real Kestrel server.</summary>
public sealed partial class SecurityTests
{
    /// <summary>Every operation's role and the secret resource's own.</summary>
    private const string Everything = "importer,exporter,secret";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private static StringContent Secrets(params string[] codes) =>
        new($"Code,Value\n{string.Concat(codes.Select(c => $"{c},value of {c}\n"))}", Encoding.UTF8, "text/csv");

    private static async Task<Job> PollAsync(TestServer server, Guid id, string user = "sam", string roles = Everything)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var job = (await server.Jobs.GetAsync(id))!;
            if (job.IsFinished)
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The job is still {job.Status}.");
            await Task.Delay(20);
        }
    }

    private static async Task<Guid> UploadAsync(TestServer server, string query, HttpContent content, string user = "sam", string roles = Everything, string resource = "secret")
    {
        using var upload = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, $"/bulkdata/{resource}/imports{query}", user, roles: roles, content: content));
        Assert.True(upload.StatusCode == HttpStatusCode.Accepted, await upload.Content.ReadAsStringAsync());
        return (await upload.Content.ReadFromJsonAsync<JobAccepted>(Json))!.JobId;
    }

    /// <summary>
    /// Generated from the routes the application maps, so a new route is covered: each refuses the anonymous, a user
    /// the secret resource's own policy refuses (every operation's role but not its own), another tenant, and a
    /// cross-site or tokenless request signed in with a cookie; none of them changes a job, a file or a row.
    /// </summary>
    [Fact]
    public async Task EveryMappedRoute_RefusesWhomItMust_AndNothingChanges()
    {
        await using var server = await TestServer.StartAsync(database: true);
        var committed = await PollAsync(server, await UploadAsync(server, string.Empty, Secrets("k1", "k2")));
        Assert.Equal(JobStatus.Completed, committed.Status);
        var validated = await PollAsync(server, await UploadAsync(server, "?validateOnly=true", Secrets("k3")));
        Assert.Equal(JobStatus.Validated, validated.Status);
        using var export = await server.Client.SendAsync(TestServer.As(HttpMethod.Get, "/bulkdata/packages/export?resources=secret", "sam", roles: Everything));
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        var package = await export.Content.ReadAsByteArrayAsync();

        using var browser = server.NewBrowser();
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/signin?user=sam&roles={Everything}")).StatusCode);
        var others = new[] { "contact", "team", "player", "transfer" };
        var routes = server.Routes
            .Where(r => r.RoutePattern.RawText!.StartsWith("/bulkdata/", StringComparison.Ordinal) && !others.Any(o => r.RoutePattern.RawText!.Contains($"/{o}/", StringComparison.Ordinal)))
            .SelectMany(r => r.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(method => (Method: method, Pattern: r.RoutePattern.RawText!)))
            .ToList();
        Assert.True(routes.Count >= 17, $"{routes.Count} routes");

        foreach (var (method, pattern) in routes)
        {
            var url = pattern.Replace("{id:guid}", validated.Id.ToString(), StringComparison.Ordinal).Replace("{which}", "file", StringComparison.Ordinal)
                + (pattern.EndsWith("packages/export", StringComparison.Ordinal) ? "?resources=secret" : string.Empty);
            HttpContent? Body() => pattern.EndsWith("packages/imports", StringComparison.Ordinal) ? new ByteArrayContent(package)
                : pattern.EndsWith("imports", StringComparison.Ordinal) ? Secrets("k9")
                : pattern.EndsWith("mapping", StringComparison.Ordinal) ? JsonContent.Create(new Dictionary<string, string> { ["Code"] = "Code" })
                : null;
            var before = await SnapshotAsync(server);
            var route = $"{method} {pattern}";

            using var anonymous = await server.Client.SendAsync(TestServer.As(new HttpMethod(method), url, null, content: Body()));
            Assert.True(anonymous.StatusCode == HttpStatusCode.Unauthorized, $"{route} anonymous: {anonymous.StatusCode}");

            using var refused = await server.Client.SendAsync(TestServer.As(new HttpMethod(method), url, "eve", roles: "importer,exporter", content: Body()));
            if (pattern is "/bulkdata/jobs" or "/bulkdata/resources")
            {
                Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
                Assert.DoesNotContain(validated.Id.ToString(), await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
            else
            {
                Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{route} refused by the resource's policy: {refused.StatusCode} {await refused.Content.ReadAsStringAsync()}");
            }

            if (pattern.Contains("{id:guid}", StringComparison.Ordinal))
            {
                using var stranger = await server.Client.SendAsync(TestServer.As(new HttpMethod(method), url, "gus", tenant: "globex", roles: Everything, content: Body()));
                Assert.True(stranger.StatusCode == HttpStatusCode.NotFound, $"{route} another tenant: {stranger.StatusCode}");
            }

            if (method != "GET")
            {
                using var crossSite = new HttpRequestMessage(new HttpMethod(method), url) { Content = Body() };
                crossSite.Headers.Add("Origin", "https://evil.example");
                crossSite.Headers.Add("Sec-Fetch-Site", "cross-site");
                using var forged = await browser.SendAsync(crossSite);
                Assert.True(forged.StatusCode == HttpStatusCode.Forbidden, $"{route} cross-site with the cookie: {forged.StatusCode}");
                using var tokenless = await browser.SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = Body() });
                Assert.True(tokenless.StatusCode == HttpStatusCode.Forbidden, $"{route} same site with the cookie but no token: {tokenless.StatusCode}");
            }

            Assert.True(before == await SnapshotAsync(server), $"{route} changed the state.");
        }

        // The same user, asking as the API is meant to be asked, is served: the refusals above are the policies'.
        using var allowed = await server.Client.SendAsync(TestServer.As(HttpMethod.Get, $"/bulkdata/jobs/{validated.Id}/preview", "sam", roles: Everything));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    /// <summary>The importer page's token lets a cookie-signed request through; an allowed origin may call with a header credential.</summary>
    [Fact]
    public async Task CookieSession_WithThePagesToken_IsServed_AndAllowedOriginsAreConfigurable()
    {
        await using var server = await TestServer.StartAsync(o => o.AllowedOrigins.Add("https://admin.example"));
        using var browser = server.NewBrowser();
        await browser.GetAsync("/signin?user=ann&roles=importer,exporter");
        var page = await browser.GetStringAsync("/import/");
        var token = WebUtility.HtmlDecode(TokenAttribute().Match(page).Groups[1].Value);
        var header = HeaderAttribute().Match(page).Groups[1].Value;
        Assert.Equal("RequestVerificationToken", header);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/bulkdata/contact/imports") { Content = new StringContent("Email,Name,Age\na@example.com,Ann,30\n", Encoding.UTF8, "text/csv") };
        request.Headers.Add(header, token);
        using var accepted = await browser.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

        using var wrongToken = new HttpRequestMessage(HttpMethod.Post, "/bulkdata/contact/imports") { Content = new StringContent("Email\n", Encoding.UTF8, "text/csv") };
        wrongToken.Headers.Add(header, token[..^4] + "AAAA");
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(wrongToken)).StatusCode);

        using var fromAdmin = TestServer.As(HttpMethod.Post, "/bulkdata/contact/imports", "ann", content: new StringContent("Email,Name,Age\nb@example.com,Bob,30\n", Encoding.UTF8, "text/csv"));
        fromAdmin.Headers.Add("Origin", "https://admin.example");
        fromAdmin.Headers.Add("Sec-Fetch-Site", "cross-site");
        Assert.Equal(HttpStatusCode.Accepted, (await server.Client.SendAsync(fromAdmin)).StatusCode);
        using var fromElsewhere = TestServer.As(HttpMethod.Post, "/bulkdata/contact/imports", "ann", content: new StringContent("Email,Name,Age\nc@example.com,Cy,30\n", Encoding.UTF8, "text/csv"));
        fromElsewhere.Headers.Add("Origin", "https://admin.example.evil");
        Assert.Equal(HttpStatusCode.Forbidden, (await server.Client.SendAsync(fromElsewhere)).StatusCode);
    }

    /// <summary>Two commits of one validated job at once, on the in-memory and the EF job store: one runs it, the other is 409; the rows land once.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TwoConcurrentCommits_ExactlyOneWins(bool database)
    {
        await using var server = await TestServer.StartAsync(database: database);
        var id = await UploadAsync(server, "?validateOnly=true", Secrets("a", "b", "c"));
        Assert.Equal(JobStatus.Validated, (await PollAsync(server, id)).Status);

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            using var commit = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, $"/bulkdata/jobs/{id}/commit", "sam", roles: Everything));
            return commit.StatusCode;
        }));

        Assert.Equal(1, answers.Count(a => a == HttpStatusCode.Accepted));
        Assert.All(answers.Where(a => a != HttpStatusCode.Accepted), a => Assert.Equal(HttpStatusCode.Conflict, a));
        var job = await PollAsync(server, id);
        Assert.True(job.Status == JobStatus.Completed, $"{job.Status}: {job.FailureReason}");
        Assert.Equal(3, job.Counts.Created);
        Assert.Equal(["a", "b", "c"], database ? await StoredSecretsAsync(server) : server.Secrets.Select(s => s.Code).Order());
        Assert.Single(await server.Jobs.GetHistoryAsync(id), e => e.Action == "commit requested");
    }

    /// <summary>
    /// A commit and a delete of one validated job at once, on both job stores: the delete is refused while the
    /// committed job is queued or running (it may succeed once the job has finished, and its audit entry says so), or
    /// the delete wins and the commit is refused; a committed job's rows land, a deleted one writes no row.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CommitWhileDeleting_ExactlyOneWins(bool database)
    {
        await using var server = await TestServer.StartAsync(database: database);
        var committed = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var code = $"c{i}";
            var id = await UploadAsync(server, "?validateOnly=true", Secrets(code));
            Assert.Equal(JobStatus.Validated, (await PollAsync(server, id)).Status);

            async Task<HttpStatusCode> SendAsync(HttpMethod method, string path)
            {
                using var response = await server.Client.SendAsync(TestServer.As(method, path, "sam", roles: Everything));
                return response.StatusCode;
            }

            var answers = await Task.WhenAll(SendAsync(HttpMethod.Post, $"/bulkdata/jobs/{id}/commit"), SendAsync(HttpMethod.Delete, $"/bulkdata/jobs/{id}"));
            if (answers[0] == HttpStatusCode.Accepted && answers[1] == HttpStatusCode.Conflict)
            {
                var job = await PollAsync(server, id);
                Assert.True(job.Status == JobStatus.Completed, $"{job.Status}: {job.FailureReason}");
                committed.Add(code);
            }
            else if (answers[0] == HttpStatusCode.Accepted)
            {
                // The import ran to its end before the delete read the job.
                Assert.Equal(HttpStatusCode.NoContent, answers[1]);
                var deleted = await server.Jobs.QueryHistoryAsync(new JobHistoryQuery { JobId = id }).SingleAsync(e => e.Event.Action == "deleted");
                Assert.Equal(JobStatus.Completed, deleted.Event.Status);
                committed.Add(code);
            }
            else
            {
                Assert.Equal(HttpStatusCode.NoContent, answers[1]);
                Assert.Contains(answers[0], new[] { HttpStatusCode.Conflict, HttpStatusCode.NotFound });
                Assert.Null(await server.Jobs.GetAsync(id));
            }
        }

        // Whatever the runner might still do with a deleted job has had time to happen.
        await Task.Delay(200);
        Assert.Equal(committed, database ? await StoredSecretsAsync(server) : server.Secrets.Select(s => s.Code).Order());
    }

    /// <summary>A job that may still write rows cannot be deleted (nothing could roll them back); once finished it can.</summary>
    [Fact]
    public async Task DeletingAnUnfinishedJob_IsConflict()
    {
        await using var server = await TestServer.StartAsync(runJobs: false);
        var id = await UploadAsync(server, string.Empty, Secrets("a"));
        using var deleted = await server.Client.SendAsync(TestServer.As(HttpMethod.Delete, $"/bulkdata/jobs/{id}", "sam", roles: Everything));
        Assert.Equal(HttpStatusCode.Conflict, deleted.StatusCode);
        Assert.Contains("cancel it", (await deleted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(JobStatus.Queued, (await server.Jobs.GetAsync(id))!.Status);
    }

    /// <summary>Values .NET and browsers write are taken as meant; anything else is a 400 naming the parameter, never a default.</summary>
    [Theory]
    [InlineData("commitMode=Partail", "commitMode")]
    [InlineData("commitMode=1", "commitMode")]
    [InlineData("mergeStrategy=7", "mergeStrategy")]
    [InlineData("validateOnly=yes", "validateOnly")]
    [InlineData("hasHeaderRow=nope", "hasHeaderRow")]
    [InlineData("delimiter=;;", "delimiter")]
    [InlineData("culture=xx-nowhere", "culture")]
    [InlineData("encoding=klingon", "encoding")]
    [InlineData("headerRow=-1", "headerRow")]
    [InlineData("commitMode=Partial&commitMode=AllOrNothing", "commitMode")]
    public async Task AnUploadsParameter_ThatCannotBeTakenAsGiven_IsA400NamingIt(string query, string parameter)
    {
        await using var server = await TestServer.StartAsync(runJobs: false);
        using var upload = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, $"/bulkdata/secret/imports?{query}", "sam", roles: Everything, content: Secrets("a")));
        Assert.Equal(HttpStatusCode.BadRequest, upload.StatusCode);
        Assert.Equal(parameter, (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("parameter").GetString());
        Assert.Empty(await server.Jobs.QueryAsync(new JobQuery()).ToListAsync());
    }

    /// <summary>Issue 25: an Excel 97-2003 upload is told from its bytes, not renamed to .csv; without the .xls reader it is refused saying what to do.</summary>
    [Fact]
    public async Task AnXlsUpload_WithoutTheXlsReader_IsA400SayingToSaveItAsXlsx()
    {
        await using var server = await TestServer.StartAsync(runJobs: false);
        byte[] compoundFile = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, .. new byte[504]];

        using var upload = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, "/bulkdata/secret/imports?fileName=books.csv", "sam", roles: Everything, content: new ByteArrayContent(compoundFile)));

        Assert.Equal(HttpStatusCode.BadRequest, upload.StatusCode);
        Assert.Contains("Excel 97-2003 workbook (.xls)", (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await server.Jobs.QueryAsync(new JobQuery()).ToListAsync());
    }

    /// <summary>Issue 25: a CSV in a Windows code page uploads with the encoding named, and imports its letters as written.</summary>
    [Fact]
    public async Task AnUploadInWindows1252_WithItsEncodingNamed_ImportsItsLetters()
    {
        await using var server = await TestServer.StartAsync();
        var bytes = System.Text.Encoding.Latin1.GetBytes("Code,Value\ncafé,crème brûlée\n");

        var id = await UploadAsync(server, "?encoding=windows-1252", new ByteArrayContent(bytes));

        var job = await PollAsync(server, id);
        Assert.True(job.Status == JobStatus.Completed, $"{job.Status}: {job.FailureReason} {string.Join("; ", job.Errors)}");
        Assert.Equal("windows-1252", job.Parameters["encoding"]);
        Assert.Equal(("café", "crème brûlée"), (server.Secrets.Single().Code, server.Secrets.Single().Value));
    }

    [Fact]
    public async Task BooleansAsDotNetWritesThem_AreTaken()
    {
        await using var server = await TestServer.StartAsync();
        var id = await UploadAsync(server, "?validateOnly=True&hasHeaderRow=False&commitMode=partial", Secrets("a"));
        var job = await PollAsync(server, id);
        Assert.Equal(("true", "false", "Partial"), (job.Parameters["validateOnly"], job.Parameters["hasHeaderRow"], job.Parameters["commitMode"]));
        Assert.True(job.Status is JobStatus.Validated or JobStatus.ValidationFailed, $"{job.Status}");
        Assert.Empty(server.Secrets);
    }

    /// <summary>A mapping to a column the resource does not have is refused at once; the job is left as it was, not queued for ever.</summary>
    [Fact]
    public async Task AMappingToAnUnknownColumn_IsRefused_AndTheJobNeverHangs()
    {
        await using var server = await TestServer.StartAsync();
        var id = await UploadAsync(server, "?validateOnly=true", Secrets("a"));
        var before = await PollAsync(server, id);

        using var mapped = await server.Client.SendAsync(TestServer.As(HttpMethod.Put, $"/bulkdata/jobs/{id}/mapping", "sam", roles: Everything, content: JsonContent.Create(new Dictionary<string, string> { ["Code"] = "Salary" })));
        Assert.Equal(HttpStatusCode.BadRequest, mapped.StatusCode);
        Assert.Contains("Salary", await mapped.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var blank = await server.Client.SendAsync(TestServer.As(HttpMethod.Put, $"/bulkdata/jobs/{id}/mapping", "sam", roles: Everything, content: new StringContent("{\"Code\": null}", Encoding.UTF8, "application/json")));
        Assert.Equal(HttpStatusCode.BadRequest, blank.StatusCode);
        Assert.Equal((before.Status, before.Version), ((await server.Jobs.GetAsync(id))!.Status, (await server.Jobs.GetAsync(id))!.Version));

        // A job whose stored mapping no longer fits its resource (set outside the API) fails saying so.
        await server.Jobs.UpdateAsync(id, j => j with { Status = JobStatus.Queued, Parameters = new Dictionary<string, string>(j.Parameters) { ["map:Code"] = "Salary" } });
        await server.Services.GetRequiredService<IJobRunner>().EnqueueAsync(id);
        var failed = await PollAsync(server, id);
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Contains("Salary", failed.FailureReason, StringComparison.Ordinal);
    }

    /// <summary>Empty, truncated and malformed uploads are 400s that store nothing; a file name in any characters downloads.</summary>
    [Fact]
    public async Task BrokenUploads_Are400s_AndAnyFileNameDownloads()
    {
        await using var server = await TestServer.StartAsync();
        using var empty = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, "/bulkdata/secret/imports", "sam", roles: Everything, content: new ByteArrayContent([])));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        using var emptyPart = new MultipartFormDataContent { { new ByteArrayContent([]), "file", "empty.csv" } };
        Assert.Equal(HttpStatusCode.BadRequest, (await server.Client.SendAsync(TestServer.As(HttpMethod.Post, "/bulkdata/secret/imports", "sam", roles: Everything, content: emptyPart))).StatusCode);

        // A multipart body cut off before its closing boundary (the declared length is honest; the form is not).
        var form = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.csv\"\r\nContent-Type: text/csv\r\n\r\nCode,Value\na,1\n";
        var truncated = new ByteArrayContent(Encoding.UTF8.GetBytes(form));
        truncated.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
        using var cut = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, "/bulkdata/secret/imports", "sam", roles: Everything, content: truncated));
        Assert.Equal(HttpStatusCode.BadRequest, cut.StatusCode);
        Assert.Empty(await server.Jobs.QueryAsync(new JobQuery()).ToListAsync());
        Assert.Empty(Directory.GetFiles(server.Folder));

        var id = await UploadAsync(server, $"?fileName={Uri.EscapeDataString("Grüße \"ü\" ✓;\u0001.csv")}&commitMode=Partial", new StringContent("Code,Value\na,1\n,2\n", Encoding.UTF8, "text/csv"));
        var job = await PollAsync(server, id);
        foreach (var path in new[] { $"/bulkdata/jobs/{id}/files/file", $"/bulkdata/jobs/{id}/errors" })
        {
            using var download = await server.Client.SendAsync(TestServer.As(HttpMethod.Get, path, "sam", roles: Everything));
            Assert.True(download.StatusCode == HttpStatusCode.OK, $"{path}: {download.StatusCode} ({job.FileName})");
            Assert.StartsWith("Grüße", download.Content.Headers.ContentDisposition!.FileNameStar, StringComparison.Ordinal);
        }
    }

    /// <summary>An inline export over <see cref="BulkDataHttpOptions.MaxInlineExportRows"/> is a 413 that points at the queued export; at the limit it streams.</summary>
    [Fact]
    public async Task AnInlineExportOverTheLimit_Is413_AndAtTheLimitStreams()
    {
        await using var over = await TestServer.StartAsync(o => o.MaxInlineExportRows = 100, generatedRows: 250);
        using var refused = await over.Client.SendAsync(TestServer.As(HttpMethod.Get, "/bulkdata/contact/export?format=csv", "sam", roles: Everything));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Null(refused.Content.Headers.ContentDisposition);
        Assert.Contains("POST contact/exports", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);

        // A filter that leaves fewer rows than the limit is not refused for the rows it leaves out.
        var fewer = Uri.EscapeDataString("{\"field\":\"Age\",\"operator\":\"lessThan\",\"value\":\"21\"}");
        using var filtered = await over.Client.SendAsync(TestServer.As(HttpMethod.Get, $"/bulkdata/contact/export?format=csv&filter={fewer}", "sam", roles: Everything));
        Assert.Equal(HttpStatusCode.OK, filtered.StatusCode);
        Assert.Equal(1 + 4, (await filtered.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        await using var at = await TestServer.StartAsync(o => o.MaxInlineExportRows = 250, generatedRows: 250);
        using var streamed = await at.Client.SendAsync(TestServer.As(HttpMethod.Get, "/bulkdata/contact/export?format=csv", "sam", roles: Everything));
        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        Assert.Equal(1 + 250, (await streamed.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    /// <summary>Filters that used to answer 500 or be taken as something else: each is a 400 naming the problem.</summary>
    [Theory]
    [InlineData("{\"Filters\":[null]}", "empty filter")]
    [InlineData("{\"Field\":\"Age\",\"Operator\":99,\"Value\":\"1\"}", "could not be read")]
    [InlineData("{\"Field\":\"Age\",\"Operator\":4,\"Value\":\"1\"}", "could not be read")]
    [InlineData("{\"Feld\":\"Age\",\"Operator\":\"Equal\",\"Value\":\"1\"}", "could not be read")]
    [InlineData("{\"Field\":\"Age\",\"Operator\":\"Equal\",\"Value\":\"1\",\"Filters\":[]}", "either a field or filters")]
    [InlineData("{\"Field\":\"Age\",\"Operator\":\"WithinLast\",\"Value\":\"P99999999D\"}", "date field")]
    [InlineData("[]", "could not be read")]
    [InlineData("null", "could not be read")]
    public async Task AnExportFilterThatCannotBeTakenAsWritten_Is400(string filter, string problem)
    {
        await using var server = await TestServer.StartAsync(database: true);
        foreach (var path in new[] { "/bulkdata/contact/export", "/bulkdata/contact/exports" })
        {
            using var response = await server.Client.SendAsync(TestServer.As(path.EndsWith('s') ? HttpMethod.Post : HttpMethod.Get, $"{path}?filter={Uri.EscapeDataString(filter)}", "sam", roles: Everything));
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path} {filter}: {response.StatusCode}");
            Assert.Contains(problem, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Empty(await server.Jobs.QueryAsync(new JobQuery()).ToListAsync());
    }

    /// <summary>The error report lists every rejected row, past the job's cap on listed errors too; deleting the job deletes the file that holds them.</summary>
    [Theory]
    [InlineData("?commitMode=Partial")]
    [InlineData("?validateOnly=true")]
    public async Task TheErrorReport_ListsEveryRejectedRow(string query)
    {
        await using var server = await TestServer.StartAsync();
        var csv = new StringBuilder("Code,Value\n");
        for (var i = 1; i <= 1_510; i++)
        {
            // Ten rows with keys of their own; the others repeat the first row's key, so 1,499 are rejected.
            csv.Append(i % 151 == 0 ? $"ok{i}" : "same").Append($",row {i}\n");
        }

        var id = await UploadAsync(server, query, new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));
        var job = await PollAsync(server, id);
        Assert.Equal(1_499, job.Counts.Invalid);
        Assert.Equal(1_000, job.Errors.Count);

        using var report = await server.Client.SendAsync(TestServer.As(HttpMethod.Get, $"/bulkdata/jobs/{id}/errors", "sam", roles: Everything));
        var lines = (await report.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1 + 1_499, lines.Length);
        Assert.StartsWith("same,row 2,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("same,row 1509,", lines[^1], StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.Contains("not listed", StringComparison.Ordinal));

        var files = server.Services.GetRequiredService<IFileStore>();
        var errors = Guid.Parse(job.Parameters["errors"]);
        Assert.NotNull(await files.GetAsync(errors));
        using var deleted = await server.Client.SendAsync(TestServer.As(HttpMethod.Delete, $"/bulkdata/jobs/{id}", "sam", roles: Everything));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Null(await files.GetAsync(errors));
    }

    /// <summary>What a refused request must not change: the jobs (with their versions), the stored files and the stored secrets.</summary>
    private static async Task<string> SnapshotAsync(TestServer server)
    {
        var jobs = await server.Jobs.QueryAsync(new JobQuery { Take = 1_000 }).Select(j => $"{j.Id}:{j.Status}:{j.Version}:{j.CancelRequested}").ToListAsync();
        var files = Directory.GetFiles(server.Folder).Select(Path.GetFileName).Where(f => !f!.StartsWith("contacts.db", StringComparison.Ordinal)).Order();
        return $"{string.Join(",", jobs.Order())}|{string.Join(",", files)}|{string.Join(",", await StoredSecretsAsync(server))}";
    }

    private static async Task<List<string>> StoredSecretsAsync(TestServer server)
    {
        await using var context = await server.Services.GetRequiredService<IDbContextFactory<ContactContext>>().CreateDbContextAsync();
        return await context.Set<Secret>().OrderBy(s => s.Code).Select(s => s.Code).ToListAsync();
    }

    [GeneratedRegex("data-antiforgery=\"([^\"]*)\"")]
    private static partial Regex TokenAttribute();

    [GeneratedRegex("data-antiforgery-header=\"([^\"]*)\"")]
    private static partial Regex HeaderAttribute();
}

/// <summary>A server whose jobs are queued but never run, shared by a property's many requests.</summary>
public sealed class ParkedServer : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestServer.StartAsync(runJobs: false);

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Issue 23: one binder for every query parameter.</summary>
public sealed class ParameterBindingProperties(ParkedServer parked) : IClassFixture<ParkedServer>
{
    /// <summary>Random values for every parameter of the upload and the job list: a 2xx, or a 400 naming the parameter; never a 500.</summary>
    [FsCheck.Xunit.Property(MaxTest = 60)]
    public void RandomParameterValues_AreTakenOrRefusedByName(byte which, string? value)
    {
        string[] upload = ["commitMode", "mergeStrategy", "validateOnly", "hasHeaderRow", "headerRow", "delimiter", "encoding", "culture", "sheet", "fileName"];
        string[] list = ["status", "kind", "from", "to", "skip", "take"];
        var all = upload.Concat(list).ToArray();
        var parameter = all[which % all.Length];
        var isUpload = upload.Contains(parameter);
        var path = isUpload ? "/bulkdata/secret/imports" : "/bulkdata/jobs";
        var url = $"{path}?{parameter}={Uri.EscapeDataString(value ?? string.Empty)}";
        var server = parked.Server;
        using var response = server.Client.Send(TestServer.As(isUpload ? HttpMethod.Post : HttpMethod.Get, url, "sam", roles: "importer,exporter,secret", content: isUpload ? new StringContent("Code,Value\na,1\n", Encoding.UTF8, "text/csv") : null));
        if (response.StatusCode != HttpStatusCode.BadRequest)
        {
            Assert.True((int)response.StatusCode is >= 200 and < 300, $"{url}: {response.StatusCode}");
            return;
        }

        var problem = JsonDocument.Parse(response.Content.ReadAsStream()).RootElement;
        Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
    }
}

/// <summary>A database-backed server shared by a property's many requests.</summary>
public sealed class DatabaseServer : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestServer.StartAsync(database: true);

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Issue 23: an export filter, however it is written, is run (2xx) or refused (400); never a 500.</summary>
public sealed class ExportFilterProperties(DatabaseServer database) : IClassFixture<DatabaseServer>
{
    private static readonly string[] Fields = ["Email", "age", "Name", "Nope", ""];

    private static readonly string[] Operators = ["\"Equal\"", "\"greaterThan\"", "\"Contains\"", "\"StartsWith\"", "\"IsEmpty\"", "\"WithinLast\"", "\"OlderThan\"", "\"Nope\"", "3", "-1", "null", "true"];

    /// <summary>A condition or a group of them, from random choices; values are random text, numbers or nulls.</summary>
    [FsCheck.Xunit.Property(MaxTest = 80)]
    public void AnyFilter_IsRunOrRefused(byte[] choices, string? value, bool inGroup, bool exportQueued)
    {
        choices ??= [];
        byte Pick(int i) => choices.Length == 0 ? (byte)0 : choices[i % choices.Length];
        var valueJson = Pick(2) % 3 == 0 ? "null" : Pick(2) % 3 == 1 ? (Pick(3) - 128).ToString(System.Globalization.CultureInfo.InvariantCulture) : JsonSerializer.Serialize(value ?? string.Empty);
        var condition = $"{{\"Field\":\"{Fields[Pick(0) % Fields.Length]}\",\"Operator\":{Operators[Pick(1) % Operators.Length]},\"Value\":{valueJson}}}";
        var filter = inGroup ? $"{{\"MatchAny\":{(Pick(4) % 2 == 0 ? "true" : "\"x\"")},\"Filters\":[{condition},{condition}]}}" : condition;
        var server = database.Server;
        var path = exportQueued ? "/bulkdata/contact/exports" : "/bulkdata/contact/export";
        using var response = server.Client.Send(TestServer.As(exportQueued ? HttpMethod.Post : HttpMethod.Get, $"{path}?filter={Uri.EscapeDataString(filter)}", "sam", roles: "importer,exporter"));
        Assert.True((int)response.StatusCode is >= 200 and < 300 or 400, $"{filter}: {response.StatusCode} {response.Content.ReadAsStringAsync().Result}");
    }
}
