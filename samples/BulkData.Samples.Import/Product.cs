using System.ComponentModel.DataAnnotations;
using BulkData.Resources;
using Microsoft.EntityFrameworkCore;

namespace BulkData.Samples.Import;

/// <summary>The sample's catalogue item: an ordinary POCO with DataAnnotations.</summary>
public sealed class Product
{
    /// <summary>The database's own key; files never carry it.</summary>
    public int Id { get; set; }

    /// <summary>The import key: rows are matched to records by SKU.</summary>
    public string Sku { get; set; } = "";

    [Required]
    [Display(Name = "Product Name")]
    public string Name { get; set; } = "";

    public decimal UnitPrice { get; set; }

    [Range(0, 10_000)]
    public int Quantity { get; set; }

    public Category Category { get; set; }

    public bool Discontinued { get; set; }

    public DateOnly? ReleaseDate { get; set; }

    /// <summary>The supplier's id in this database; a data package carries the supplier's code instead.</summary>
    public int? SupplierId { get; set; }

    [Sensitive]
    public string? InternalNotes { get; set; }
}

/// <summary>A supplier of products, referenced by them.</summary>
public sealed class Supplier
{
    public int Id { get; set; }

    public string Code { get; set; } = "";

    public string Name { get; set; } = "";
}

public enum Category
{
    Hardware,
    Electronics,
    Garden,
}

/// <summary>The sample application's database: its products plus BulkData's job tables.</summary>
public sealed class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
{
    public DbSet<Product> Products => Set<Product>();

    public DbSet<Supplier> Suppliers => Set<Supplier>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Product>().HasIndex(p => p.Sku).IsUnique();
        modelBuilder.Entity<Product>().HasOne<Supplier>().WithMany().HasForeignKey(p => p.SupplierId);
        modelBuilder.Entity<Supplier>().HasIndex(s => s.Code).IsUnique();
        modelBuilder.AddBulkDataJobs();
    }
}
