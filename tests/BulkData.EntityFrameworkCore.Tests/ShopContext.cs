using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;

namespace BulkData.EntityFrameworkCore.Tests;

public sealed class Item
{
    public int Id { get; set; }

    [Required]
    public string Sku { get; set; } = "";

    public string Name { get; set; } = "";

    public decimal Price { get; set; }

    public int Quantity { get; set; }

    public DateTime? Released { get; set; }
}

/// <summary>An application's context: its own entity plus BulkData's job tables.</summary>
public sealed class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
{
    public DbSet<Item> Items => Set<Item>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Item>(item =>
        {
            item.HasIndex(i => i.Sku).IsUnique();
            item.Property(i => i.Price).HasPrecision(18, 4);
        });
        modelBuilder.AddBulkDataJobs();
    }
}
