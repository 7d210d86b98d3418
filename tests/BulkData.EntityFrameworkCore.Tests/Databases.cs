using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BulkData.EntityFrameworkCore.Tests;

/// <summary>A real, empty database of either provider, with the shop schema created.</summary>
public sealed class Database : IAsyncDisposable
{
    private readonly string? file;

    private Database(string provider, string connectionString, string? file, IInterceptor[] interceptors)
    {
        Provider = provider;
        this.file = file;
        var builder = new DbContextOptionsBuilder<ShopContext>();
        builder = provider == "sqlite" ? builder.UseSqlite(connectionString) : builder.UseNpgsql(connectionString);
        Options = builder.AddInterceptors(interceptors).Options;
        Factory = new Contexts(Options);
    }

    public string Provider { get; }

    public DbContextOptions<ShopContext> Options { get; }

    public IDbContextFactory<ShopContext> Factory { get; }

    /// <summary>Creates a database: a SQLite file in a temp folder, or a new database on the test PostgreSQL server.</summary>
    public static async Task<Database> CreateAsync(string provider, PostgresServer postgres, params IInterceptor[] interceptors)
    {
        var file = provider == "sqlite" ? Path.Combine(Path.GetTempPath(), $"bulkdata-{Guid.NewGuid():N}.db") : null;
        var connection = file is not null ? $"Data Source={file};Pooling=False" : await postgres.CreateDatabaseAsync();
        var database = new Database(provider, connection, file, interceptors);
        await using var context = database.Factory.CreateDbContext();
        await context.Database.EnsureCreatedAsync();
        return database;
    }

    public async Task<List<Item>> ItemsAsync()
    {
        await using var context = Factory.CreateDbContext();
        return await context.Items.AsNoTracking().OrderBy(i => i.Sku).ToListAsync();
    }

    public async Task SeedAsync(params Item[] items)
    {
        await using var context = Factory.CreateDbContext();
        context.AddRange(items);
        await context.SaveChangesAsync();
    }

    public ValueTask DisposeAsync()
    {
        if (file is not null)
        {
            SqliteConnection.ClearAllPools();
            File.Delete(file);
        }

        return ValueTask.CompletedTask;
    }

    private sealed class Contexts(DbContextOptions<ShopContext> options) : IDbContextFactory<ShopContext>
    {
        public ShopContext CreateDbContext() => new(options);
    }
}
