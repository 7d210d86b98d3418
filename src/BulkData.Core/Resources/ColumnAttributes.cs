namespace BulkData.Resources;

/// <summary>
/// Names a member's column in files (its header on import and export), independent of a database's column name
/// (EF Core's <c>[Column]</c> names the database column and is not read for files).
/// </summary>
/// <param name="name">The header, e.g. <c>Unit Price</c>.</param>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class HeaderAttribute(string name) : Attribute
{
    /// <summary>The header.</summary>
    public string Name { get; } = name;

    /// <summary>The column's place on export (lower first); -1, the default, keeps declaration order.</summary>
    public int Order { get; init; } = -1;

    /// <summary>Other header spellings that map to the column exactly, e.g. a legacy export's names.</summary>
    public string[] Aliases { get; init; } = [];
}

/// <summary>Reads and writes a member's column in exact formats (the first is used on export), and optionally a culture.</summary>
/// <param name="formats">.NET format strings for the member's type, e.g. <c>dd.MM.yyyy</c>.</param>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class FormatAttribute(params string[] formats) : Attribute
{
    /// <summary>The formats.</summary>
    public IReadOnlyList<string> Formats { get; } = formats;

    /// <summary>The culture's name (e.g. <c>de-DE</c>) the column is read and written in; null for the resource's.</summary>
    public string? Culture { get; init; }
}

/// <summary>Writes a member on export but never reads it on import (e.g. a total the application computes).</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class ExportOnlyAttribute : Attribute;

/// <summary>Reads a member on import but never writes it on export (e.g. a password-reset token).</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class ImportOnlyAttribute : Attribute;
