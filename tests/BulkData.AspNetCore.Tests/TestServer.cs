using System.Security.Claims;
using System.Text.Encodings.Web;
using BulkData.DependencyInjection;
using BulkData.EntityFrameworkCore.Import;
using BulkData.Jobs;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
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

/// <summary>A resource only users with the <c>secret</c> role may import, export or roll back: its own policies replace the operations'.</summary>
public sealed class Secret
{
    [System.ComponentModel.DataAnnotations.Key]
    public string Code { get; set; } = "";

    public string Value { get; set; } = "";
}

/// <summary>A team, referenced by its players: the two move together in data packages.</summary>
public sealed class Team
{
    public int Id { get; set; }

    public string Code { get; set; } = "";

    public string Name { get; set; } = "";
}

public sealed class Player
{
    public int Id { get; set; }

    public string Email { get; set; } = "";

    public int TeamId { get; set; }
}

/// <summary>The contacts, teams, players and BulkData's job tables in one SQLite database.</summary>
/// <summary>A player's move to a team, the team named by its code in files (a lookup column).</summary>
public sealed class Transfer
{
    public int Id { get; set; }

    public string Reference { get; set; } = "";

    public int TeamId { get; set; }
}

public sealed class ContactContext(DbContextOptions<ContactContext> options) : DbContext(options)
{
    public DbSet<Contact> Contacts => Set<Contact>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Secret>();
        modelBuilder.Entity<Team>().HasIndex(t => t.Code).IsUnique();
        modelBuilder.Entity<Player>().HasIndex(p => p.Email).IsUnique();
        modelBuilder.Entity<Transfer>().HasIndex(t => t.Reference).IsUnique();
        modelBuilder.AddBulkDataJobs();
    }
}

/// <summary>
/// An application on a real Kestrel server on loopback: BulkData's HTTP API with roles per operation, jobs in
/// memory, files in a temp folder, contacts kept in a list. Callers authenticate with test headers
/// (<c>X-User</c>, <c>X-Tenant</c>, <c>X-Roles</c>) through the real authentication and authorization pipeline, or
/// with the cookie <c>GET /signin?user=..&amp;roles=..</c> sets, as a browser would.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly string folder = Directory.CreateTempSubdirectory("bulkdata-http-").FullName;

    private TestServer(Action<BulkDataHttpOptions>? configure, bool runJobs, bool database, int generatedRows)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton<IFileStore>(new LocalFolderFileStore(new LocalFolderFileStoreOptions { Folder = folder }));
        builder.Services.AddAuthentication("HeadersOrCookie")
            .AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>(HeaderAuthentication.SchemeName, null)
            .AddCookie(o =>
            {
                // An API answers 401 and 403, it does not redirect to a sign-in page.
                o.Events.OnRedirectToLogin = context => { context.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
                o.Events.OnRedirectToAccessDenied = context => { context.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
            })
            .AddPolicyScheme("HeadersOrCookie", null, o => o.ForwardDefaultSelector = http => http.Request.Headers.ContainsKey("X-User") ? HeaderAuthentication.SchemeName : CookieAuthenticationDefaults.AuthenticationScheme);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy("BulkData.Import", p => p.RequireRole("importer"))
            .AddPolicy("BulkData.Export", p => p.RequireRole("exporter"))
            .AddPolicy("BulkData.Jobs", p => p.RequireRole("importer", "exporter"))
            .AddPolicy("BulkData.Rollback", p => p.RequireRole("importer"))

            // A policy for one resource's imports replaces the operation's policy for it.
            .AddPolicy("BulkData.Import.Contact", p => p.RequireRole("importer", "contact-importer"))
            .AddPolicy("BulkData.Import.Secret", p => p.RequireRole("secret"))
            .AddPolicy("BulkData.Export.Secret", p => p.RequireRole("secret"))
            .AddPolicy("BulkData.Rollback.Secret", p => p.RequireRole("secret"));
        if (database)
        {
            builder.Services.AddDbContextFactory<ContactContext>(o => o.UseSqlite($"Data Source={Path.Combine(folder, "contacts.db")};Pooling=False"));
        }

        builder.Services.AddBulkData(b =>
        {
            b.AddResource<Contact>().AddResource<Secret>().AddHttpApi(configure);
            if (database)
            {
                // Contacts and jobs in one SQLite file: imports record their changes and can be rolled back.
                b.UseEntityFrameworkJobStore<ContactContext>()
                    .AddImportTarget<Contact>(p => new EntityFrameworkImportTarget<ContactContext, Contact>(p.GetRequiredService<IDbContextFactory<ContactContext>>(), new() { MergeStrategy = MergeStrategy.Upsert }))
                    .AddExportSource<Contact>(p => p.GetRequiredService<ContactContext>().Contacts.AsNoTracking())
                    .AddImportTarget<Secret>(p => new EntityFrameworkImportTarget<ContactContext, Secret>(p.GetRequiredService<IDbContextFactory<ContactContext>>(), new() { MergeStrategy = MergeStrategy.Upsert }))
                    .AddExportSource<Secret>(p => p.GetRequiredService<ContactContext>().Set<Secret>().AsNoTracking())
                    .AddResource<Team>(r => r.Key(t => t.Code).Ignore(t => t.Id))
                    .AddResource<Player>(r => r.Key(p => p.Email).Ignore(p => p.Id).Column(p => p.TeamId, c => c.Name("Team")).References<Team, int>(p => p.TeamId, t => t.Id))
                    .AddExportSource<Team>(p => p.GetRequiredService<ContactContext>().Set<Team>().AsNoTracking())
                    .AddExportSource<Player>(p => p.GetRequiredService<ContactContext>().Set<Player>().AsNoTracking())
                    .AddPackageImportTarget(p => new EntityFrameworkPackageTarget<ContactContext>(p.GetRequiredService<IDbContextFactory<ContactContext>>(), new() { MergeStrategy = MergeStrategy.Upsert }))
                    .AddResource<Transfer>(r => r.Key(t => t.Reference).Ignore(t => t.Id).Column(t => t.TeamId, c => c.Name("Team").LookUp<Team>(x => x.Code)))
                    .AddImportTarget<Transfer>(p => new EntityFrameworkImportTarget<ContactContext, Transfer>(p.GetRequiredService<IDbContextFactory<ContactContext>>(), new() { MergeStrategy = MergeStrategy.Upsert }))
                    .UseEntityFrameworkLookups<ContactContext>();
            }
            else
            {
                // With generated rows, exports read contacts made as they stream: the server holds none of them.
                b.AddImportTarget<Contact>(_ => new BulkData.Import.CollectionTarget<Contact>(Contacts))
                    .AddExportSource<Contact>(_ => generatedRows > 0 ? Generate(generatedRows) : Contacts.ToArray())
                    .AddImportTarget<Secret>(_ => new BulkData.Import.CollectionTarget<Secret>(Secrets))
                    .AddExportSource<Secret>(_ => Secrets.ToArray());
            }

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

        // A browser's sign-in: the user, tenant and roles the query names, kept in the authentication cookie.
        app.MapGet("/signin", async (HttpContext http, string user, string roles, string? tenant) =>
        {
            List<Claim> claims = [new(ClaimTypes.NameIdentifier, user), new(ClaimTypes.Name, user), new(ClaimsCallerScopeResolver.TenantClaim, tenant ?? "acme")];
            claims.AddRange(roles.Split(',').Select(role => new Claim(ClaimTypes.Role, role)));
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme)));
            return Results.Ok();
        });

        // The importer page, its title translated by the application's texts file.
        var texts = Path.Combine(Directory.CreateDirectory(Path.Combine(folder, "config")).FullName, "texts.de.json");
        File.WriteAllText(texts, "{ \"title\": \"Daten importieren\" }");
        app.MapBulkDataImporter("/import", o => o.TextsFile = texts);
    }

    public List<Contact> Contacts { get; } = [];

    public List<Secret> Secrets { get; } = [];

    /// <summary>Every route the application maps.</summary>
    public IEnumerable<Microsoft.AspNetCore.Routing.RouteEndpoint> Routes =>
        app.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints.OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>();

    /// <summary>A client of its own that keeps cookies, as a browser does.</summary>
    public HttpClient NewBrowser() => new(new HttpClientHandler { CookieContainer = new System.Net.CookieContainer(), UseCookies = true }) { BaseAddress = Client.BaseAddress };

    public IJobStore Jobs => app.Services.GetRequiredService<IJobStore>();

    public IServiceProvider Services => app.Services;

    public string Folder => folder;

    public HttpClient Client { get; private set; } = null!;

    public static async Task<TestServer> StartAsync(Action<BulkDataHttpOptions>? configure = null, bool runJobs = true, bool database = false, int generatedRows = 0)
    {
        var server = new TestServer(configure, runJobs, database, generatedRows);
        if (database)
        {
            await using var context = await server.app.Services.GetRequiredService<IDbContextFactory<ContactContext>>().CreateDbContextAsync();
            await context.Database.EnsureCreatedAsync();
        }

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
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private static IEnumerable<Contact> Generate(int rows)
    {
        for (var i = 1; i <= rows; i++)
        {
            yield return new Contact { Email = $"person{i}@example.com", Name = $"Person {i}", Age = 20 + (i % 60) };
        }
    }

    /// <summary>Stores teams with their players, straight into the database.</summary>
    public async Task SeedPlayersAsync(params (string Team, string[] Players)[] teams)
    {
        await using var context = await app.Services.GetRequiredService<IDbContextFactory<ContactContext>>().CreateDbContextAsync();
        foreach (var (code, players) in teams)
        {
            var team = new Team { Code = code, Name = $"Team {code}" };
            context.Add(team);
            await context.SaveChangesAsync();
            context.AddRange(players.Select(email => new Player { Email = email, TeamId = team.Id }));
        }

        await context.SaveChangesAsync();
    }

    /// <summary>The players as stored, each with its team's code.</summary>
    public async Task<List<string>> StoredPlayersAsync()
    {
        await using var context = await app.Services.GetRequiredService<IDbContextFactory<ContactContext>>().CreateDbContextAsync();
        return await context.Set<Player>().OrderBy(p => p.Email)
            .Select(p => p.Email + " in " + context.Set<Team>().Where(t => t.Id == p.TeamId).Select(t => t.Code).First())
            .ToListAsync();
    }

    /// <summary>The contacts as stored in the database.</summary>
    public async Task<List<Contact>> StoredContactsAsync()
    {
        await using var context = await app.Services.GetRequiredService<IDbContextFactory<ContactContext>>().CreateDbContextAsync();
        return await context.Contacts.AsNoTracking().OrderBy(c => c.Email).ToListAsync();
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
