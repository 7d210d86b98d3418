using BulkData.DependencyInjection;
using BulkData.Resources;

namespace BulkData.Packages;

/// <summary>
/// How one resource appears in a package: its file, its columns (ids other resources reference are left out: they
/// differ between databases), which columns carry a parent's key instead of its id, and which carry attachments.
/// </summary>
internal sealed class PackageTable<T>
    where T : class
{
    public PackageTable(ResourceRegistry registry, Resource<T> resource, IReadOnlySet<(Type, string)> referencedIds, IEnumerable<IColumnBinding<T>> selected)
    {
        Resource = resource;
        Name = PackageManifest.ResourceName(resource.Name);
        var definition = resource.Definition;
        Columns = selected.Where(c => !c.Column.IsComputed && !referencedIds.Contains((typeof(T), c.Column.MemberName))).ToArray();
        if (resource.KeyColumns.Count == 0 || resource.KeyColumns.Any(k => !Columns.Any(c => c.Column == k)))
        {
            throw new BulkDataConfigurationException(resource.Name, $"A data package carries each row with its import key, but the resource {resource.Name} has {(resource.KeyColumns.Count == 0 ? "no key: set one with Key(...) or [Key]" : "its key columns left out: keep them in Columns(...)")}.");
        }

        References = definition.References
            .Select(r => (Reference: r, Index: Array.FindIndex(Columns, c => c.Column.MemberName == r.MemberName)))
            .Where(r => r.Index >= 0)
            .Select(r => new PackageReference(r.Reference, r.Index, ParentKeyOf(registry, r.Reference)))
            .ToArray();
        Attachments = definition.Attachments.Select(a => Array.FindIndex(Columns, c => c.Column.MemberName == a)).Where(i => i >= 0).ToArray();
    }

    public Resource<T> Resource { get; }

    /// <summary>The resource's name in the package: lower case, as Frictionless requires.</summary>
    public string Name { get; }

    public IColumnBinding<T>[] Columns { get; }

    public PackageReference[] References { get; }

    /// <summary>The indexes of the columns holding file-store ids.</summary>
    public int[] Attachments { get; }

    /// <summary>The Table Schema fields: a reference column takes its parent key's type.</summary>
    public PackageField[] Fields() => Columns.Select((c, i) =>
        References.FirstOrDefault(r => r.Column == i) is { } reference
            ? FieldOf(c.Column.Name, reference.KeyType)
            : FieldOf(c.Column.Name, Attachments.Contains(i) ? typeof(string) : c.Column.ValueType)).ToArray();

    private static PackageField FieldOf(string name, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            return new PackageField(name, "string");
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64 => new(name, "integer"),
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => new(name, "number"),
            TypeCode.Boolean => new(name, "boolean"),
            TypeCode.DateTime => new(name, "datetime", "any"),
            _ when type == typeof(DateTimeOffset) => new(name, "datetime", "any"),
            _ when type == typeof(DateOnly) => new(name, "date"),
            _ when type == typeof(TimeOnly) => new(name, "time", "any"),
            _ when type == typeof(Guid) => new(name, "string", "uuid"),
            _ => new(name, "string"),
        };
    }

    private static (string Resource, string Name, string Member, Type Type) ParentKeyOf(ResourceRegistry registry, ResourceReference reference)
    {
        var parent = reference.ParentIn(registry);
        return parent.KeyColumns is [var key]
            ? (parent.Name, key.Name, key.MemberName, key.ValueType)
            : throw new BulkDataConfigurationException(parent.Name, $"Rows reference {parent.Name} by its import key, which must be one member; {parent.Name} has {parent.KeyColumns.Count}. Set one with Key(...).");
    }
}

/// <summary>A column carrying a parent's key in the package and the parent's id in the database.</summary>
/// <param name="Reference">The resource's reference.</param>
/// <param name="Column">The column's index in the table.</param>
/// <param name="ParentKey">The parent's resource name, key header, key member and key type.</param>
internal sealed record PackageReference(ResourceReference Reference, int Column, (string Resource, string Name, string Member, Type Type) ParentKey)
{
    public string ParentName => PackageManifest.ResourceName(ParentKey.Resource);

    public Type KeyType => ParentKey.Type;
}
