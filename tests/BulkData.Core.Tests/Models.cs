using System.ComponentModel.DataAnnotations;
using System.ComponentModel.DataAnnotations.Schema;
using BulkData.Resources;

namespace BulkData.Core.Tests;

public enum Color
{
    Red,
    Green,
    LightBlue,
}

/// <summary>Every type the converters support, plain and nullable.</summary>
public sealed class AllTypes
{
    public string? Text { get; set; }

    public string Label { get; set; } = "";

    public int Int { get; set; }

    public long Long { get; set; }

    public short Short { get; set; }

    public byte Byte { get; set; }

    public sbyte SByte { get; set; }

    public ushort UShort { get; set; }

    public uint UInt { get; set; }

    public ulong ULong { get; set; }

    public float Float { get; set; }

    public double Double { get; set; }

    public decimal Decimal { get; set; }

    public bool Bool { get; set; }

    public Guid Guid { get; set; }

    public DateTime DateTime { get; set; }

    public DateTimeOffset DateTimeOffset { get; set; }

    public DateOnly DateOnly { get; set; }

    public TimeOnly TimeOnly { get; set; }

    public TimeSpan TimeSpan { get; set; }

    public Color Color { get; set; }

    public int? NullableInt { get; set; }

    public decimal? NullableDecimal { get; set; }

    public DateOnly? NullableDate { get; set; }

    public Color? NullableColor { get; set; }

    public bool? NullableBool { get; set; }
}

/// <summary>A typical catalogue POCO with DataAnnotations.</summary>
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

    public Color Color { get; set; }

    public DateOnly? Released { get; set; }

    [Sensitive]
    public string? Secret { get; set; }

    [NotMapped]
    public string? Scratch { get; set; }

    [Header("internal_code")]
    [Column("code_in_the_database")]
    public string? Code { get; set; }

    public string? InternalNotes { get; set; }
}
