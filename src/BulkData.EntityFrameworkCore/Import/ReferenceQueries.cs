using Microsoft.EntityFrameworkCore;

namespace BulkData.EntityFrameworkCore.Import;

/// <summary>
/// Finds referenced records by natural key for a lookup column (<see cref="BulkData.Import.IReferenceResolver"/>): one
/// query per thousand values, exact, then, for text no record holds exactly, one more ignoring case (a value that
/// matches several records so stays unresolved); and their natural keys by key, for an export. Tagged
/// <see cref="QueryTags.ReferencedRecords"/>.
/// </summary>
internal static class ReferenceQueries
{
    private const int ValuesPerQuery = 1_000;

    public static async ValueTask<IReadOnlyDictionary<TNatural, object>> ResolveAsync<TReferenced, TNatural>(DbContext db, string naturalKey, IReadOnlyCollection<TNatural> values, CancellationToken cancellationToken)
        where TReferenced : class
        where TNatural : notnull
    {
        var (natural, key) = Members<TReferenced>(db, naturalKey);
        var found = new Dictionary<TNatural, object>();
        foreach (var chunk in values.Chunk(ValuesPerQuery))
        {
            var wanted = chunk.ToList();
            foreach (var record in await db.Set<TReferenced>().AsNoTracking().TagWith(QueryTags.ReferencedRecords)
                .Where(e => wanted.Contains(EF.Property<TNatural>(e, naturalKey))).ToListAsync(cancellationToken).ConfigureAwait(false))
            {
                found[(TNatural)natural.GetGetter().GetClrValue(record)!] = key.GetGetter().GetClrValue(record)!;
            }
        }

        if (typeof(TNatural) == typeof(string))
        {
            foreach (var (text, record) in await IgnoringCaseAsync<TReferenced>(db, naturalKey, [.. values.Cast<string>().Where(v => !found.ContainsKey((TNatural)(object)v))], cancellationToken).ConfigureAwait(false))
            {
                found[(TNatural)(object)text] = key.GetGetter().GetClrValue(record)!;
            }
        }

        return found;
    }

    /// <summary>The natural keys of the records with the keys, a thousand keys a query.</summary>
    public static async ValueTask<IReadOnlyDictionary<object, TNatural>> NaturalKeysAsync<TReferenced, TKey, TNatural>(DbContext db, string naturalKey, IReadOnlyCollection<TKey> keys, CancellationToken cancellationToken)
        where TReferenced : class
        where TNatural : notnull
    {
        var (natural, key) = Members<TReferenced>(db, naturalKey);
        var found = new Dictionary<object, TNatural>();
        foreach (var chunk in keys.Chunk(ValuesPerQuery))
        {
            var wanted = chunk.ToList();
            foreach (var record in await db.Set<TReferenced>().AsNoTracking().TagWith(QueryTags.ReferencedRecords)
                .Where(e => wanted.Contains(EF.Property<TKey>(e, key.Name))).ToListAsync(cancellationToken).ConfigureAwait(false))
            {
                found[key.GetGetter().GetClrValue(record)!] = (TNatural)natural.GetGetter().GetClrValue(record)!;
            }
        }

        return found;
    }

    /// <summary>The referenced type's natural key and key members, checked.</summary>
    private static (Microsoft.EntityFrameworkCore.Metadata.IProperty Natural, Microsoft.EntityFrameworkCore.Metadata.IProperty Key) Members<TReferenced>(DbContext db, string naturalKey)
    {
        var type = db.Model.FindEntityType(typeof(TReferenced))
            ?? throw new BulkDataConfigurationException(typeof(TReferenced).Name, $"{db.GetType().Name} has no entity {typeof(TReferenced).Name}, which a lookup column refers to; add a DbSet or configure it in OnModelCreating.");
        var natural = type.FindProperty(naturalKey)
            ?? throw new BulkDataConfigurationException($"{typeof(TReferenced).Name}.{naturalKey}", $"{typeof(TReferenced).Name}.{naturalKey}, which a lookup column reads, is not a mapped property.");
        return type.FindPrimaryKey()?.Properties is [var key]
            ? (natural, key)
            : throw new BulkDataConfigurationException(typeof(TReferenced).Name, $"A lookup column refers to {typeof(TReferenced).Name}, whose key is not one member: refer to it by its key's members instead.");
    }

    /// <summary>The one record whose text member equals each value ignoring case, by value (lower-cased by the database and here alike).</summary>
    private static async Task<List<(string Text, TReferenced Record)>> IgnoringCaseAsync<TReferenced>(DbContext db, string naturalKey, List<string> values, CancellationToken cancellationToken)
        where TReferenced : class
    {
        var natural = db.Model.FindEntityType(typeof(TReferenced))!.FindProperty(naturalKey)!.GetGetter();
        var matches = new List<(string, TReferenced)>();
        foreach (var chunk in values.Chunk(ValuesPerQuery))
        {
            var lowered = chunk.Select(v => v.ToLowerInvariant()).Distinct().ToList();
            if (lowered.Count == 0)
            {
                continue;
            }

            // ToLower here is SQL's lower(), which EF Core translates (it runs in the database, in no .NET culture).
#pragma warning disable CA1304, CA1311
            var records = await db.Set<TReferenced>().AsNoTracking().TagWith(QueryTags.ReferencedRecords)
                .Where(e => lowered.Contains(EF.Property<string>(e, naturalKey).ToLower())).ToListAsync(cancellationToken).ConfigureAwait(false);
#pragma warning restore CA1304, CA1311
            var byLowered = records.GroupBy(r => ((string)natural.GetClrValue(r)!).ToLowerInvariant())
                .Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single());
            matches.AddRange(chunk.Where(v => byLowered.ContainsKey(v.ToLowerInvariant())).Select(v => (v, byLowered[v.ToLowerInvariant()])));
        }

        return matches;
    }
}
