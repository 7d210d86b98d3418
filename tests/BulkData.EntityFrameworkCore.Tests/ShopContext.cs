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

/// <summary>A record keyed by the moment it was taken: keys a millisecond apart are distinct.</summary>
public sealed class Reading
{
    public int Id { get; set; }

    public DateTime TakenAt { get; set; }

    public decimal Sensor { get; set; }

    public string Note { get; set; } = "";
}

/// <summary>A record keyed by two members (code, warehouse).</summary>
public sealed class Stock
{
    public int Id { get; set; }

    public string Code { get; set; } = "";

    public string Warehouse { get; set; } = "";

    public int Quantity { get; set; }
}

/// <summary>A principal that other records depend on.</summary>
public sealed class Category
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    public List<Gadget> Gadgets { get; set; } = [];
}

/// <summary>Depends on a category (cascade delete).</summary>
public sealed class Gadget
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    public int CategoryId { get; set; }

    public Category? Category { get; set; }
}

/// <summary>A record with a required member that partial-column files leave out.</summary>
public sealed class Member
{
    public int Id { get; set; }

    public string Email { get; set; } = "";

    [Required]
    public string Name { get; set; } = "";

    public int Points { get; set; }
}

/// <summary>Columns with database defaults (generated on add) and a timestamp with a precision.</summary>
public sealed class Ticket
{
    public int Id { get; set; }

    public string Code { get; set; } = "";

    public string? Status { get; set; }

    public DateTime Opened { get; set; }
}

/// <summary>A record with a collection member (a primitive collection column).</summary>
public sealed class Tagged
{
    public int Id { get; set; }

    public string Code { get; set; } = "";

    public string Name { get; set; } = "";

    public List<string> Tags { get; set; } = [];
}

/// <summary>A label on parcels: one side of a many-to-many with skip navigations (EF Core's join entity is a shared-type dictionary).</summary>
public sealed class Label
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    public List<Parcel> Parcels { get; set; } = [];
}

/// <summary>The other side of <see cref="Label"/>'s many-to-many.</summary>
public sealed class Parcel
{
    public int Id { get; set; }

    public string Reference { get; set; } = "";

    public List<Label> Labels { get; set; } = [];
}

/// <summary>A sales region, the root of the data package tests' relations.</summary>
public sealed class Region
{
    public int Id { get; set; }

    public string Code { get; set; } = "";

    public string Name { get; set; } = "";
}

/// <summary>A customer in a region.</summary>
public sealed class Customer
{
    public int Id { get; set; }

    public string Number { get; set; } = "";

    public string Name { get; set; } = "";

    public int RegionId { get; set; }

    public Region? Region { get; set; }
}

/// <summary>An order of a customer, shipped to a region of its own (or none).</summary>
public sealed class SalesOrder
{
    public int Id { get; set; }

    public string Reference { get; set; } = "";

    public int CustomerId { get; set; }

    public Customer? Customer { get; set; }

    public int? ShipToRegionId { get; set; }

    public Region? ShipToRegion { get; set; }

    public decimal Total { get; set; }

    public DateTime PlacedAt { get; set; }
}

/// <summary>A file attached to an order: the file lives in the file store.</summary>
public sealed class OrderDocument
{
    public int Id { get; set; }

    public string Title { get; set; } = "";

    public int OrderId { get; set; }

    public SalesOrder? Order { get; set; }

    public Guid? FileId { get; set; }
}

/// <summary>A strongly typed id, stored as its number.</summary>
public readonly record struct GaugeId(int Value);

/// <summary>A gauge's level, stored as its name.</summary>
public enum GaugeLevel
{
    Low,
    High,
}

/// <summary>
/// Written by the set-based writer: a database-generated, strongly typed key and a natural import key, an enum stored
/// as text, a column with a database default the file also sets, a timestamp with a precision, a nullable FK.
/// </summary>
public sealed class Gauge
{
    public GaugeId Id { get; set; }

    public string Code { get; set; } = "";

    public GaugeLevel Level { get; set; }

    public int Reading { get; set; }

    public DateTime Checked { get; set; }

    public int? CategoryId { get; set; }
}

/// <summary>Written through EF Core's tracker: a concurrency token and a shadow property.</summary>
public sealed class Badge
{
    public int Id { get; set; }

    public string Code { get; set; } = "";

    public string Holder { get; set; } = "";

    public long Revision { get; set; }
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
        modelBuilder.Entity<Reading>(reading =>
        {
            reading.HasIndex(r => new { r.TakenAt, r.Sensor }).IsUnique();
            reading.Property(r => r.Sensor).HasPrecision(18, 4);
        });
        modelBuilder.Entity<Stock>().HasIndex(s => new { s.Code, s.Warehouse }).IsUnique();
        modelBuilder.Entity<Category>().HasIndex(c => c.Name).IsUnique();
        modelBuilder.Entity<Gadget>().HasOne(g => g.Category).WithMany(c => c.Gadgets).OnDelete(DeleteBehavior.Cascade);
        modelBuilder.Entity<Member>().HasIndex(m => m.Email).IsUnique();
        modelBuilder.Entity<Ticket>(ticket =>
        {
            ticket.HasIndex(t => t.Code).IsUnique();
            ticket.Property(t => t.Status).HasDefaultValue("open");
            if (Database.IsNpgsql())
            {
                ticket.Property(t => t.Opened).HasColumnType("timestamp(3) with time zone");
            }
        });
        modelBuilder.Entity<Tagged>().HasIndex(t => t.Code).IsUnique();
        modelBuilder.Entity<Label>(label =>
        {
            label.HasIndex(l => l.Name).IsUnique();
            label.HasMany(l => l.Parcels).WithMany(p => p.Labels);
        });
        modelBuilder.Entity<Region>().HasIndex(r => r.Code).IsUnique();
        modelBuilder.Entity<Customer>().HasIndex(c => c.Number).IsUnique();
        modelBuilder.Entity<SalesOrder>(order =>
        {
            order.HasIndex(o => o.Reference).IsUnique();
            order.Property(o => o.Total).HasPrecision(18, 2);
            order.HasOne(o => o.ShipToRegion).WithMany().HasForeignKey(o => o.ShipToRegionId);
        });
        modelBuilder.Entity<OrderDocument>().HasIndex(d => d.Title).IsUnique();
        modelBuilder.Entity<Gauge>(gauge =>
        {
            gauge.HasIndex(g => g.Code).IsUnique();
            gauge.Property(g => g.Id).HasConversion(id => id.Value, value => new GaugeId(value)).ValueGeneratedOnAdd();
            gauge.Property(g => g.Level).HasConversion<string>().HasMaxLength(8);
            gauge.Property(g => g.Reading).HasDefaultValue(7);
            gauge.HasOne<Category>().WithMany().HasForeignKey(g => g.CategoryId);
            if (Database.IsNpgsql())
            {
                gauge.Property(g => g.Checked).HasColumnType("timestamp(3) with time zone");
            }
        });
        modelBuilder.Entity<Badge>(badge =>
        {
            badge.HasIndex(b => b.Code).IsUnique();
            badge.Property(b => b.Revision).IsConcurrencyToken();
            badge.Property<string>("Origin").HasDefaultValue("import");
        });
        modelBuilder.AddBulkDataJobs();
    }
}
