using System.Security.Claims;
using System.Text.Encodings.Web;
using BulkData;
using BulkData.AspNetCore;
using BulkData.DependencyInjection;
using BulkData.EntityFrameworkCore.Import;
using BulkData.Samples.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

// BulkData's HTTP API and importer page on a SQLite database in ./sample-data (or the DataFolder setting).
// Open http://localhost:5000/import in a browser, or try the API:
//   curl -X POST --data-binary @products.csv -H "Content-Type: text/csv" http://localhost:5000/bulkdata/product/imports
//   curl http://localhost:5000/bulkdata/jobs/{id}
//   curl "http://localhost:5000/bulkdata/product/export?format=csv"
var builder = WebApplication.CreateBuilder(args);
var data = Directory.CreateDirectory(builder.Configuration["DataFolder"] ?? Path.Combine(builder.Environment.ContentRootPath, "sample-data")).FullName;
builder.Services.AddDbContextFactory<ShopContext>(o => o.UseSqlite($"Data Source={Path.Combine(data, "shop.db")}"));

// Sample only: every caller is the demo user of the demo tenant. A real app uses its own authentication.
builder.Services.AddAuthentication(DemoAuthentication.SchemeName).AddScheme<AuthenticationSchemeOptions, DemoAuthentication>(DemoAuthentication.SchemeName, null);
builder.Services.AddBulkData(b => b
    .AddResource<Product>(r => r.Key(p => p.Sku).Ignore(p => p.Id))
    .UseEntityFrameworkJobStore<ShopContext>()
    .UseEntityFrameworkFileStore<ShopContext>()
    .UseEntityFrameworkMappingStore<ShopContext>()
    .UseInProcessRunner()
    .AddImportTarget<Product>(p => new EntityFrameworkImportTarget<ShopContext, Product>(p.GetRequiredService<IDbContextFactory<ShopContext>>(), new() { MergeStrategy = MergeStrategy.Upsert }))
    .AddExportSource<Product>(p => p.GetRequiredService<ShopContext>().Products.AsNoTracking().OrderBy(x => x.Sku))
    .AddHttpApi());

var app = builder.Build();
await using (var context = await app.Services.GetRequiredService<IDbContextFactory<ShopContext>>().CreateDbContextAsync())
{
    await context.Database.EnsureCreatedAsync();
}

app.UseAuthentication();
app.UseAuthorization();
app.MapBulkData("/bulkdata");
app.MapBulkDataImporter("/import");
app.MapGet("/", () => Results.Redirect("/import"));
await app.RunAsync();

/// <summary>The sample's entry point, public so that tests can host it (WebApplicationFactory).</summary>
public partial class Program;

/// <summary>Signs every request in as the demo user of the demo tenant, with every role: for this sample only.</summary>
internal sealed class DemoAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Demo";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        Claim[] claims = [new(ClaimTypes.NameIdentifier, "demo"), new(ClaimTypes.Name, "demo"), new(ClaimsCallerScopeResolver.TenantClaim, "demo")];
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName)));
    }
}
