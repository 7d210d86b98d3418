using BulkData.Samples.Web;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BulkData.Importer.Tests;

/// <summary>
/// The sample web app on a real Kestrel server on loopback, with its SQLite database in a temporary folder, and a
/// headless Chromium (Debian's, driven by Playwright through its executable path: no browser download).
/// </summary>
public sealed class SampleWebApp : IAsyncLifetime
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private readonly string folder = Directory.CreateTempSubdirectory("bulkdata-importer-").FullName;
    private WebApplicationFactory<Program> factory = null!;
    private IPlaywright playwright = null!;

    public IBrowser Browser { get; private set; } = null!;

    public Uri Address { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b.UseSetting("DataFolder", folder));
        factory.UseKestrel(0);
        factory.StartServer();
        Address = new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"The importer page's tests need Chromium at {ChromiumPath}: install Debian's chromium package (apt-get install chromium), as .ci/run does.");
        }

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true, Args = ["--no-sandbox"] });
    }

    /// <summary>The products as stored, as "sku name price quantity".</summary>
    public async Task<List<string>> ProductsAsync()
    {
        await using var context = await factory.Services.GetRequiredService<IDbContextFactory<ShopContext>>().CreateDbContextAsync();
        return (await context.Products.AsNoTracking().OrderBy(p => p.Sku).ToListAsync()).Select(p => $"{p.Sku} {p.Name} {p.Price:0.00} {p.Quantity}").ToList();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
        await factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}
