using System.ComponentModel.DataAnnotations;
using BulkData.Resources;

namespace BulkData.Samples.Import;

/// <summary>The sample's catalogue item: an ordinary POCO with DataAnnotations.</summary>
public sealed class Product
{
    [Key]
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

    [Sensitive]
    public string? InternalNotes { get; set; }
}

public enum Category
{
    Hardware,
    Electronics,
    Garden,
}
