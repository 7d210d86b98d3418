using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace BulkData.EntityFrameworkCore.Import;

/// <summary>
/// What the set-based writer needs of one entity type, read once from the context's model and kept with it: the
/// table, each property's column, type mapping (with its value converter) and how the database generates it, the
/// primary key, and the statements that insert and update one row. Only entity types whose every stored value is
/// a CLR property of one table qualify (no shadow, owned, complex or inherited members, no concurrency token), on providers whose SQL the
/// writer speaks (SQLite and PostgreSQL: <c>INSERT ... RETURNING</c>); every other type keeps EF Core's tracker.
/// </summary>
internal sealed class EntityTable
{
    private static readonly ConditionalWeakTable<IEntityType, EntityTable?> Tables = [];

    private static readonly string[] Providers = ["Microsoft.EntityFrameworkCore.Sqlite", "Npgsql.EntityFrameworkCore.PostgreSQL"];

    // The INSERT statements by omitted-columns mask; a type has a handful at most.
    private readonly ConcurrentDictionary<int, (string Sql, TableColumn[] Inserted, TableColumn[] Returned)> insertSql = new();

    private EntityTable(IEntityType type, ISqlGenerationHelper sql)
    {
        Type = type;
        Sql = sql;
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        Name = sql.DelimitIdentifier(table.Name, table.Schema);
        Columns = type.GetProperties().Select((p, i) => new TableColumn(p, i, sql.DelimitIdentifier(p.GetColumnName(table)!), p.GetRelationalTypeMapping())).ToArray();
        Properties = Array.ConvertAll(Columns, c => c.Property);
        PrimaryKey = type.FindPrimaryKey()!.Properties.Select(ColumnOf).ToArray();
        Generated = Columns.Where(c => c.GeneratedOnAdd).ToArray();
        Create = System.Linq.Expressions.Expression.Lambda<Func<object>>(System.Linq.Expressions.Expression.New(ParameterlessConstructor(type)!)).Compile();
    }

    /// <summary>The column of a property of the type.</summary>
    public TableColumn ColumnOf(IProperty property) => Array.Find(Columns, c => c.Property == property)
        ?? throw new ArgumentException($"{property.Name} is not a property of {Type.DisplayName()}.", nameof(property));

    /// <summary>A new, empty entity (its parameterless constructor), for a record read back.</summary>
    public Func<object> Create { get; }

    /// <summary>A new entity holding the entity's values (each column copied typed): a before-image taken as it is, serialized later.</summary>
    public object CopyOf(object entity)
    {
        var copy = Create();
        foreach (var column in Columns)
        {
            column.Copy(entity, copy);
        }

        return copy;
    }

    /// <summary>The entity type.</summary>
    public IEntityType Type { get; }

    /// <summary>The table's delimited name, with its schema.</summary>
    public string Name { get; }

    /// <summary>Every property's column, in the model's order.</summary>
    public TableColumn[] Columns { get; }

    /// <summary>Every column's property, in the model's order.</summary>
    public IProperty[] Properties { get; }

    /// <summary>The primary key's columns.</summary>
    public TableColumn[] PrimaryKey { get; }

    /// <summary>The columns the database may generate on insert (identity keys, defaults): a row that leaves one at its sentinel leaves it to the database.</summary>
    public TableColumn[] Generated { get; }

    /// <summary>The provider's identifier and parameter syntax.</summary>
    public ISqlGenerationHelper Sql { get; }

    /// <summary>The set-based description of the entity type, or null when it must keep EF Core's tracker.</summary>
    public static EntityTable? For(DbContext db, IEntityType type) => Tables.GetValue(type, t => Qualifies(db, t) ? new EntityTable(t, db.GetService<ISqlGenerationHelper>()) : null);

    /// <summary>
    /// The INSERT of one row that leaves the generated columns in <paramref name="omitted"/> (a bit per
    /// <see cref="Generated"/> column) to the database and returns them. Parameters are <c>p0..pn</c>, one per inserted column in <see cref="Columns"/> order.
    /// </summary>
    public (string Sql, TableColumn[] Inserted, TableColumn[] Returned) InsertOf(int omitted) => insertSql.GetOrAdd(omitted, mask =>
    {
        var returned = Generated.Where((_, g) => (mask & (1 << g)) != 0).ToArray();
        var inserted = Columns.Where(c => !returned.Contains(c)).ToArray();
        var text = inserted.Length == 0
            ? $"INSERT INTO {Name} DEFAULT VALUES"
            : $"INSERT INTO {Name} ({string.Join(", ", inserted.Select(c => c.Name))}) VALUES ({string.Join(", ", inserted.Select((_, i) => Sql.GenerateParameterNamePlaceholder($"p{i}")))})";
        if (returned.Length > 0)
        {
            text += $" RETURNING {string.Join(", ", returned.Select(c => c.Name))}";
        }

        return (text, inserted, returned);
    });

    /// <summary>The UPDATE of one row's <paramref name="members"/> by primary key; parameters <c>p0..pn</c> for the members, then the key's.</summary>
    public string UpdateOf(TableColumn[] members) =>
        $"UPDATE {Name} SET {string.Join(", ", members.Select((c, i) => $"{c.Name} = {Sql.GenerateParameterNamePlaceholder($"p{i}")}"))} "
        + $"WHERE {string.Join(" AND ", PrimaryKey.Select((c, i) => $"{c.Name} = {Sql.GenerateParameterNamePlaceholder($"p{members.Length + i}")}"))}";

    /// <summary>The bits of <see cref="Generated"/> columns the entity leaves at their sentinel.</summary>
    public int OmittedBy(object entity)
    {
        var mask = 0;
        for (var g = 0; g < Generated.Length; g++)
        {
            if (Generated[g].IsSentinel(Generated[g].Read(entity)))
            {
                mask |= 1 << g;
            }
        }

        return mask;
    }

    private static System.Reflection.ConstructorInfo? ParameterlessConstructor(IEntityType type) =>
        type.ClrType.GetConstructor(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic, System.Type.EmptyTypes);

    private static bool Qualifies(DbContext db, IEntityType type) =>
        Providers.Contains(db.Database.ProviderName)
        && type.GetTableName() is not null
        && type.FindPrimaryKey() is not null
        && type.BaseType is null && !type.GetDerivedTypes().Any()
        && !type.GetProperties().Any(p => p.IsShadowProperty() || p.PropertyInfo is null && p.FieldInfo is null || p.IsConcurrencyToken)
        && !type.GetComplexProperties().Any()
        && !type.GetNavigations().Any(n => n.TargetEntityType.IsOwned())
        && !type.IsOwned()
        && !type.GetMappingFragments().Any()
        && ParameterlessConstructor(type) is not null
        && type.GetProperties().Count(p => p.ValueGenerated.HasFlag(ValueGenerated.OnAdd)) <= 30;
}
