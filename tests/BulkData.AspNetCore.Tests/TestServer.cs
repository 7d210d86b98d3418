using System.Security.Claims;
using System.Text.Encodings.Web;
using BulkData.Jobs;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BulkData.AspNetCore.Tests;

public sealed class Contact
{
    [System.ComponentModel.DataAnnotations.Key]
    public string Email { get; set; } = "";

    public string Name { get; set; } = "";

    public int Age { get; set; }
}

/// <summary>
/// An application on a real Kestrel server on loopback: BulkData's HTTP API with roles per operation, jobs in
/// memory, files in a temp folder, contacts kept in a list. Callers authenticate with test headers
/// (<c>X-User</c>, <c>X-Tenant</c>, <c>X-Roles</c>) through the real authentication and authorization pipeline.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly string folder = Directory.CreateTempSubdirectory("bulkdata-http-").FullName;

    private TestServer(Action<BulkDataHttpOptions>? configure, bool runJobs)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton<IFileStore>(new LocalFolderFileStore(new LocalFolderFileStoreOptions { Folder = folder }));
        builder.Services.AddAuthentication(HeaderAuthentication.SchemeName).AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>(HeaderAuthentication.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy("BulkData.Import", p => p.RequireRole("importer"))
            .AddPolicy("BulkData.Export", p => p.RequireRole("exporter"))
            .AddPolicy("BulkData.Jobs", p => p.RequireRole("importer", "exporter"));
        builder.Services.AddBulkData(b =>
        {
            b.AddResource<Contact>()
                .AddImportTarget<Contact>(_ => new BulkData.Import.CollectionTarget<Contact>(Contacts))
                .AddExportSource<Contact>(_ => Contacts.ToArray())
                .AddHttpApi(configure);
            if (runJobs)
            {
                b.UseInProcessRunner();
            }
            else
            {
                // Jobs are queued but never run: what an upload alone costs is measured.
                b.UseRunner(_ => new ParkedRunner());
            }
        });
        app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapBulkData("/bulkdata");
    }

    public List<Contact> Contacts { get; } = [];

    public IJobStore Jobs => app.Services.GetRequiredService<IJobStore>();

    public string Folder => folder;

    public HttpClient Client { get; private set; } = null!;

    public static async Task<TestServer> StartAsync(Action<BulkDataHttpOptions>? configure = null, bool runJobs = true)
    {
        var server = new TestServer(configure, runJobs);
        await server.app.StartAsync();
        var address = server.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(2) };
        return server;
    }

    /// <summary>A request as a user of a tenant with roles; no user at all when <paramref name="user"/> is null.</summary>
    public static HttpRequestMessage As(HttpMethod method, string path, string? user, string? tenant = "acme", string roles = "importer,exporter", HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (user is not null)
        {
            request.Headers.Add("X-User", user);
            request.Headers.Add("X-Roles", roles);
            if (tenant is not null)
            {
                request.Headers.Add("X-Tenant", tenant);
            }
        }

        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }

    private sealed class ParkedRunner : IJobRunner
    {
        public ValueTask EnqueueAsync(Guid jobId, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }

    /// <summary>Signs the caller in from the test headers; no <c>X-User</c>, no one.</summary>
    private sealed class HeaderAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "TestHeaders";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (Request.Headers["X-User"].ToString() is not { Length: > 0 } user)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            List<Claim> claims = [new(ClaimTypes.NameIdentifier, user), new(ClaimTypes.Name, user)];
            if (Request.Headers["X-Tenant"].ToString() is { Length: > 0 } tenant)
            {
                claims.Add(new Claim(ClaimsCallerScopeResolver.TenantClaim, tenant));
            }

            claims.AddRange(Request.Headers["X-Roles"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(role => new Claim(ClaimTypes.Role, role)));
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName)));
        }
    }
}
