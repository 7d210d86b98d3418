using Microsoft.EntityFrameworkCore;

namespace BulkData.Samples.Web;

/// <summary>A product of the sample shop.</summary>
public sealed class Product
{
    public int Id { get; set; }

    public string Sku { get; set; } = "";

    [System.ComponentModel.DataAnnotations.Required]
    public string Name { get; set; } = "";

    public decimal Price { get; set; }

    public int Quantity { get; set; }
}

/// <summary>The shop's products and BulkData's tables (jobs, change records, files, mappings) in one SQLite file.</summary>
public sealed class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
{
    public DbSet<Product> Products => Set<Product>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Product>().HasIndex(p => p.Sku).IsUnique();
        modelBuilder.AddBulkDataJobs();
    }
}
