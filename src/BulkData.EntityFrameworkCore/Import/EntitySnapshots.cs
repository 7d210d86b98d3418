using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
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

    public static string Key(EntityEntry entry) =>
        JsonSerializer.Serialize(entry.Metadata.FindPrimaryKey()!.Properties.Select(p => entry.Property(p.Name).CurrentValue).ToArray());

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

    /// <summary>A key's values as one text, for dictionaries of keys.</summary>
    public static string KeyText(IEnumerable<object?> values) =>
        string.Join('\u001F', values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));
}
