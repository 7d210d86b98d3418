using System.Data.Common;
using System.Reflection;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace BulkData.EntityFrameworkCore.Import;

/// <summary>
/// One property's column as the set-based writer uses it: read from and written to the CLR object, converted to
/// the provider's value by the model's type mapping (value converter included), bound as a parameter configured by
/// that mapping (a GUID as SQLite's text, a decimal with its precision), and read back from a data reader.
/// </summary>
/// <param name="Property">The model's property.</param>
/// <param name="Index">Its position in <see cref="EntityTable.Columns"/>.</param>
/// <param name="Name">The column's delimited name.</param>
/// <param name="Mapping">The column's relational type mapping.</param>
internal sealed record TableColumn(IProperty Property, int Index, string Name, RelationalTypeMapping Mapping)
{
    private readonly IClrPropertyGetter getter = Property.GetGetter();
    private readonly MemberInfo member = (MemberInfo?)Property.PropertyInfo ?? Property.FieldInfo!;
    private readonly TypedMember? typed = TypedMember.For(Property);

    // The reader's typed getter for the provider's type (SQLite's text as a GUID or a date, an integer as an int).
    private readonly Func<DbDataReader, int, object> readValue = ReadMethod
        .MakeGenericMethod(Nullable.GetUnderlyingType(Mapping.Converter?.ProviderClrType ?? Mapping.ClrType) ?? Mapping.Converter?.ProviderClrType ?? Mapping.ClrType)
        .CreateDelegate<Func<DbDataReader, int, object>>();

    /// <summary>The type of the column's values as the provider stores them (after the mapping's converter).</summary>
    public Type ProviderType => Mapping.Converter?.ProviderClrType ?? Mapping.ClrType;

    private static readonly MethodInfo ReadMethod = typeof(TableColumn).GetMethod(nameof(ReadAs), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>True when the database generates the value on insert if the row leaves it at its sentinel.</summary>
    public bool GeneratedOnAdd { get; } = Property.ValueGenerated.HasFlag(ValueGenerated.OnAdd);

    /// <summary>The property's name as a change record's JSON holds it, encoded once.</summary>
    public System.Text.Json.JsonEncodedText JsonName { get; } = System.Text.Json.JsonEncodedText.Encode(Property.Name);

    /// <summary>How the value is written in a change record's JSON (resolved once, not per value).</summary>
    public System.Text.Json.Serialization.Metadata.JsonTypeInfo JsonType { get; } = System.Text.Json.JsonSerializerOptions.Default.GetTypeInfo(Property.ClrType);

    /// <summary>The entity's value of the property.</summary>
    public object? Read(object entity) => getter.GetClrValue(entity);

    /// <summary>True when both entities hold equal values of the property, by its value comparer.</summary>
    public bool SameIn(object left, object right) => typed?.Same(left, right) ?? Property.GetValueComparer().Equals(Read(left), Read(right));

    /// <summary>Copies the property's value from one entity to the other (a merged member).</summary>
    public void Copy(object from, object to)
    {
        if (typed is not null)
        {
            typed.Copy(from, to);
        }
        else
        {
            Write(to, Read(from));
        }
    }

    /// <summary>Sets the entity's value of the property (a value the database generated, a merged member).</summary>
    public void Write(object entity, object? value)
    {
        if (typed is not null)
        {
            typed.Set(entity, value);
        }
        else if (member is PropertyInfo { CanWrite: true } property)
        {
            property.SetValue(entity, value);
        }
        else
        {
            // A read-only property's backing field, as EF Core sets it.
            (Property.FieldInfo ?? throw new InvalidOperationException($"{Property.DeclaringType.DisplayName()}.{Property.Name} cannot be set.")).SetValue(entity, value);
        }
    }

    /// <summary>True when the value is the property's sentinel (e.g. 0 for an identity key): the database generates it.</summary>
    public bool IsSentinel(object? value) => Property.GetValueComparer().Equals(value, Property.Sentinel);

    /// <summary>A parameter for this column, configured by its type mapping.</summary>
    public DbParameter CreateParameter(DbCommand command, string name) => Mapping.CreateParameter(command, name, null, Property.IsNullable || GeneratedOnAdd);

    /// <summary>The provider's value of a model value, through the mapping's converter; <see cref="DBNull"/> for null.</summary>
    public object ToProvider(object? value) => value is null ? DBNull.Value : Mapping.Converter?.ConvertToProvider(value) ?? value;

    /// <summary>The model's value of a column read back (RETURNING), through the mapping's converter.</summary>
    public object? FromReader(DbDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        return FromProvider(readValue(reader, ordinal));
    }

    /// <summary>The model's value of a provider's value, through the mapping's converter.</summary>
    public object? FromProvider(object value) => Mapping.Converter is { } converter ? converter.ConvertFromProvider(value) : value;

    private static object ReadAs<T>(DbDataReader reader, int ordinal) => reader.GetFieldValue<T>(ordinal)!;
}
