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
