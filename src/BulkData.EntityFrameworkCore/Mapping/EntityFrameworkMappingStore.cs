using System.Text.Json;
using BulkData.Mapping;
using Microsoft.EntityFrameworkCore;

namespace BulkData.EntityFrameworkCore.Mapping;

/// <summary>A remembered column mapping, in the <c>bulkdata_mappings</c> table that <c>AddBulkDataJobs()</c> adds.</summary>
internal sealed class MappingRecord
{
    /// <summary>The key: tenant, resource and headers, hashed (<see cref="InMemoryMappingStore.Signature"/>).</summary>
    public string Signature { get; set; } = "";

    /// <summary>The tenant.</summary>
    public string? Tenant { get; set; }

    /// <summary>The resource's name.</summary>
    public string Resource { get; set; } = "";

    /// <summary>Header to column, as JSON.</summary>
    public string Mapping { get; set; } = "{}";

    /// <summary>When it was last chosen.</summary>
    public DateTimeOffset SavedAt { get; set; }
}

/// <summary>Remembered column mappings in the application's database, shared by every process.</summary>
/// <typeparam name="TContext">The context whose model calls <c>AddBulkDataJobs()</c>.</typeparam>
/// <param name="contexts">Creates the context.</param>
/// <param name="time">The clock for <see cref="MappingRecord.SavedAt"/>.</param>
public sealed class EntityFrameworkMappingStore<TContext>(IDbContextFactory<TContext> contexts, TimeProvider time) : IMappingStore
    where TContext : DbContext
{
    /// <inheritdoc/>
    public async ValueTask<IReadOnlyDictionary<string, string>?> GetAsync(string? tenant, string resource, IReadOnlyList<string> headers, CancellationToken cancellationToken = default)
    {
        var signature = InMemoryMappingStore.Signature(tenant, resource, headers);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var record = await db.Set<MappingRecord>().AsNoTracking().SingleOrDefaultAsync(m => m.Signature == signature, cancellationToken).ConfigureAwait(false);
        return record is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(record.Mapping);
    }

    /// <inheritdoc/>
    public async ValueTask SaveAsync(string? tenant, string resource, IReadOnlyList<string> headers, IReadOnlyDictionary<string, string> mapping, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var signature = InMemoryMappingStore.Signature(tenant, resource, headers);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var record = await db.Set<MappingRecord>().SingleOrDefaultAsync(m => m.Signature == signature, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            record = new MappingRecord { Signature = signature, Tenant = tenant, Resource = resource };
            db.Add(record);
        }

        record.Mapping = JsonSerializer.Serialize(mapping);
        record.SavedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }
}
