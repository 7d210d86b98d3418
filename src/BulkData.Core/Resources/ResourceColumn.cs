using BulkData.Mapping;

namespace BulkData.Resources;

/// <summary>
/// One column of a resource: the header it is read from and written to, the member behind it,
/// and how its values are converted. Built once per resource; immutable.
/// </summary>
public abstract class ResourceColumn
{
    private protected ResourceColumn(string name, string memberName, Type valueType)
    {
        Name = name;
        MemberName = memberName;
        ValueType = valueType;
    }

    /// <summary>The header name used on import and export.</summary>
    public string Name { get; }

    /// <summary>The POCO member behind the column, or the computed column's name.</summary>
    public string MemberName { get; }

    /// <summary>The member's type, nullable forms included.</summary>
    public Type ValueType { get; }

    /// <summary>Other header spellings that map to this column exactly.</summary>
    public IReadOnlyList<string> Aliases { get; private protected init; } = [];

    /// <summary>True when a file must contain this column (<c>[Required]</c>, a key, or <c>Required()</c>).</summary>
    public bool IsRequired { get; private protected init; }

    /// <summary>True for a key column or one configured with <c>Required()</c>: no file may leave it out.</summary>
    internal bool IsRequiredInEveryFile { get; private protected init; }

    /// <summary>True when the column is part of the resource's import key.</summary>
    public bool IsKey { get; private protected init; }

    /// <summary>True when values are read into the member on import (it has a setter).</summary>
    public bool IsImported { get; private protected init; }

    /// <summary>True when the column is written on export (false with <c>[ImportOnly]</c>).</summary>
    public bool IsExported { get; private protected init; } = true;

    /// <summary>True for export-only columns computed from the whole row.</summary>
    public bool IsComputed { get; private protected init; }

    /// <summary>The culture and formats values are read and written in.</summary>
    public ValueFormat Format { get; private protected init; } = ValueFormat.Invariant;

    /// <summary>The 0-based position the column is read from in files without a header row; null when it has none.</summary>
    public int? Position { get; private protected init; }

    /// <summary>The column's place on export; columns sort by it, then by declaration order.</summary>
    public int Order { get; private protected init; }

    /// <inheritdoc/>
    public override string ToString() => Name == MemberName ? Name : $"{Name} ({MemberName})";
}
