using Microsoft.EntityFrameworkCore;

namespace BulkData.Worker;

/// <summary>An item the worker imports.</summary>
public sealed class WorkerItem
{
    public int Id { get; set; }

    public string Sku { get; set; } = "";

    public int Quantity { get; set; }
}

/// <summary>The worker's database: its items and BulkData's job tables.</summary>
public sealed class WorkerContext(DbContextOptions<WorkerContext> options) : DbContext(options)
{
    public DbSet<WorkerItem> Items => Set<WorkerItem>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<WorkerItem>().HasIndex(i => i.Sku).IsUnique();
        modelBuilder.AddBulkDataJobs();
    }
}
