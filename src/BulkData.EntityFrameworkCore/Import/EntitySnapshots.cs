using System.Text.Json;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;

namespace BulkData.EntityFrameworkCore.Import;

/// <summary>
/// Writes an entity's stored values (every mapped property, shadow ones included) as JSON, and reads them
/// back typed, so a rollback can compare and restore them exactly.
/// </summary>
internal static class EntitySnapshots
{
    public static string Values(EntityEntry entry) =>
        JsonSerializer.Serialize(entry.Metadata.GetProperties().ToDictionary(p => p.Name, p => entry.Property(p.Name).CurrentValue));

    /// <summary>The same as <see cref="Values(EntityEntry)"/> for an untracked entity of a type without shadow properties (the set-based writer's).</summary>
    public static string Values(EntityTable table, object entity) => Json(writer => WriteValues(writer, table, entity));

    /// <summary>
    /// What a change record keeps of the values an import wrote (its "after"), as JSON: the values' fingerprint (a JSON
    /// string, see <see cref="Fingerprint"/>), or, for a type that has none, the snapshot <see cref="Values(EntityTable, object)"/> gives.
    /// </summary>
    public static string Written(EntityTable table, object entity) => Json(writer => WriteWritten(writer, table, entity, new object?[table.Columns.Length]));

    /// <summary>The same as <see cref="Written(EntityTable, object)"/> for a tracked entity, shadow properties included.</summary>
    public static string Written(EntityEntry entry)
    {
        var properties = entry.Metadata.GetProperties().ToArray();
        return Fingerprint(properties, Array.ConvertAll(properties, p => entry.Property(p.Name).CurrentValue)) is { } fingerprint
            ? JsonSerializer.Serialize(fingerprint)
            : Values(entry);
    }

    /// <summary>What <see cref="Written(EntityTable, object)"/> gives for many entities, as one JSON array.</summary>
    public static string WrittenList(EntityTable table, IEnumerable<object> entities) => Json(writer =>
    {
        writer.WriteStartArray();
        var values = new object?[table.Columns.Length];
        foreach (var entity in entities)
        {
            WriteWritten(writer, table, entity, values);
        }

        writer.WriteEndArray();
    });

    /// <summary>
    /// The fingerprint of an entity's values in the model's property order: a stable 128-bit hash (<see
    /// cref="BulkData.Import.ImportKey.TryGetStableHash"/>) of the values, equal exactly when every value is (decimals
    /// regardless of scale, dates regardless of kind, as EF Core's comparers of those types compare), or of their
    /// provider values for a type without a canonical form (a converted value object); null when neither has one. A
    /// rollback compares the values it finds with those the import wrote only to refuse a record changed since, so the
    /// fingerprint is all it needs: in a profile of the database benchmark it took about half the time of the values'
    /// JSON (the change records' cost per row), in about a tenth of the space.
    /// </summary>
    /// <param name="properties">The entity type's properties, in the model's order.</param>
    /// <param name="values">Their values, in the same order; converted in place when a type has no canonical form.</param>
    public static string? Fingerprint(IReadOnlyList<IProperty> properties, object?[] values) =>
        TryFingerprint(properties, values, out var hash) ? FingerprintMark + hash.ToString("x32", System.Globalization.CultureInfo.InvariantCulture) : null;

    private static bool TryFingerprint(IReadOnlyList<IProperty> properties, object?[] values, out UInt128 hash)
    {
        if (new BulkData.Import.ImportKey(values).TryGetStableHash(out hash))
        {
            return true;
        }

        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is { } value && properties[i].GetTypeMapping().Converter is { } converter)
            {
                values[i] = converter.ConvertToProvider(value);
            }
        }

        return new BulkData.Import.ImportKey(values).TryGetStableHash(out hash);
    }

    // Marks a fingerprint among snapshots: a snapshot is a JSON object, a fingerprint a JSON string starting with this.
    private const string FingerprintMark = "#";

    /// <summary>What <see cref="Written(EntityTable, object)"/> writes, its fingerprint formatted in place (no string per row); <paramref name="values"/> is reused from row to row.</summary>
    private static void WriteWritten(Utf8JsonWriter writer, EntityTable table, object entity, object?[] values)
    {
        for (var c = 0; c < values.Length; c++)
        {
            values[c] = table.Columns[c].Read(entity);
        }

        if (TryFingerprint(table.Properties, values, out var hash))
        {
            Span<char> fingerprint = stackalloc char[1 + 32];
            fingerprint[0] = FingerprintMark[0];
            hash.TryFormat(fingerprint[1..], out _, "x32", System.Globalization.CultureInfo.InvariantCulture);
            writer.WriteStringValue(fingerprint);
        }
        else
        {
            WriteValues(writer, table, entity);
        }
    }

    /// <summary>The keys of many entities as one JSON array, each element what <see cref="Key(EntityTable, object)"/> gives.</summary>
    public static string KeyList(EntityTable table, IEnumerable<object> entities) => Json(writer =>
    {
        writer.WriteStartArray();
        foreach (var entity in entities)
        {
            WriteKey(writer, table, entity);
        }

        writer.WriteEndArray();
    });

    private static void WriteValues(Utf8JsonWriter writer, EntityTable table, object entity)
    {
        writer.WriteStartObject();
        foreach (var column in table.Columns)
        {
            writer.WritePropertyName(column.JsonName);
            WriteValue(writer, column, column.Read(entity));
        }

        writer.WriteEndObject();
    }

    private static void WriteKey(Utf8JsonWriter writer, EntityTable table, object entity)
    {
        writer.WriteStartArray();
        foreach (var column in table.PrimaryKey)
        {
            WriteValue(writer, column, column.Read(entity));
        }

        writer.WriteEndArray();
    }

    /// <summary>
    /// One value as the serializer writes it: the everyday types straight through the writer (the serializer's own
    /// converters call the same methods), anything else through the serializer. A snapshot per created and updated
    /// record makes this the change records' hot loop: the serializer costs about 1 µs per value, the writer 0.1.
    /// </summary>
    private static void WriteValue(Utf8JsonWriter writer, TableColumn column, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string text: writer.WriteStringValue(text); break;
            case int number: writer.WriteNumberValue(number); break;
            case long number: writer.WriteNumberValue(number); break;
            case decimal number: writer.WriteNumberValue(number); break;
            case double number when double.IsFinite(number): writer.WriteNumberValue(number); break;
            case bool flag: writer.WriteBooleanValue(flag); break;
            case DateTime time: writer.WriteStringValue(time); break;
            case DateTimeOffset time: writer.WriteStringValue(time); break;
            case Guid id: writer.WriteStringValue(id); break;
            default: JsonSerializer.Serialize(writer, value, column.JsonType); break;
        }
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The same as <see cref="Key(EntityEntry)"/> for an untracked entity (the set-based writer's).</summary>
    public static string Key(EntityTable table, object entity) => Json(writer => WriteKey(writer, table, entity));

    public static string Key(EntityEntry entry) =>
        JsonSerializer.Serialize(entry.Metadata.FindPrimaryKey()!.Properties.Select(p => entry.Property(p.Name).CurrentValue).ToArray());

    /// <summary>The same as <see cref="Key(EntityEntry)"/> for an untracked entity read through the model's getters (a many-to-many's join row).</summary>
    public static string Key(IEntityType type, object entity) =>
        JsonSerializer.Serialize(type.FindPrimaryKey()!.Properties.Select(p => p.GetGetter().GetClrValue(entity)).ToArray());

    public static object?[] ReadKey(IEntityType type, string json)
    {
        var values = JsonSerializer.Deserialize<JsonElement[]>(json)!;
        return type.FindPrimaryKey()!.Properties.Select((p, i) => values[i].Deserialize(p.ClrType)).ToArray();
    }

    public static void Restore(EntityEntry entry, string json)
    {
        var values = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;
        foreach (var property in entry.Metadata.GetProperties().Where(p => !p.IsPrimaryKey()))
        {
            if (values.TryGetValue(property.Name, out var value))
            {
                entry.Property(property.Name).CurrentValue = value.Deserialize(property.ClrType);
            }
        }
    }

    /// <summary>
    /// True when the entity still holds the values of a snapshot. Compared as values with EF Core's value
    /// comparers, not as text or references: a provider may read back 2.0000 for a decimal written as 2, a
    /// DateTime of another kind, or a new list with the same elements.
    /// </summary>
    public static bool Matches(EntityEntry entry, string json)
    {
        if (json.StartsWith('"'))
        {
            return Written(entry) == json;
        }

        var values = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;
        foreach (var property in entry.Metadata.GetProperties())
        {
            var current = entry.Property(property.Name).CurrentValue;
            var written = values.TryGetValue(property.Name, out var value) ? value.Deserialize(property.ClrType) : null;
            if (!property.GetValueComparer().Equals(current, written))
            {
                return false;
            }
        }

        return true;
    }
}
