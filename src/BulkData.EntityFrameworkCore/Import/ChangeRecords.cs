using BulkData.EntityFrameworkCore.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace BulkData.EntityFrameworkCore.Import;

/// <summary>
/// The change records of an import, in the <c>bulkdata_row_changes</c> table: what a target writes for every record
/// it creates or updates (key, values before and after) under the import's job, what a rollback reads back newest
/// first, and what deleting a job removes. The one place that writes and selects them.
/// </summary>
internal static class ChangeRecords
{
    /// <summary>True when the context's model has the change table (<c>AddBulkDataJobs</c>): imports are then undoable.</summary>
    public static bool AreKept(DbContext db) => db.Model.FindEntityType(typeof(RowChangeRecord)) is not null;

    /// <summary>The job's change records.</summary>
    public static IQueryable<RowChangeRecord> Of(DbContext db, Guid jobId) => db.Set<RowChangeRecord>().Where(c => c.JobId == jobId);

    /// <summary>
    /// Records a batch's changes: one record per created and per updated entity, in order, and the latest values of
    /// entities the same import had already written (their first record keeps the values before the import); or,
    /// <paramref name="perBatch"/>, one record of the batch's created entities and one of its updated ones.
    /// </summary>
    public static async Task WriteAsync<TEntity>(
        DbContext db,
        Guid jobId,
        IEntityType entityType,
        EntityTable? table,
        List<TEntity> created,
        List<(TEntity Entity, string Before)> updated,
        List<TEntity> rewritten,
        bool perBatch,
        EntityFrameworkTargetOptions options,
        CancellationToken cancellationToken)
        where TEntity : class
    {
        var name = entityType.Name;
        var records = new List<RowChangeRecord>(created.Count + updated.Count);
        // Untracked entities (the set-based writer's) are read directly; tracked ones through their entries.
        string KeyOf(TEntity entity) => table is null ? EntitySnapshots.Key(db.Entry(entity)) : EntitySnapshots.Key(table, entity);
        string AfterOf(TEntity entity) => table is null ? EntitySnapshots.Written(db.Entry(entity)) : EntitySnapshots.Written(table, entity);
        string AfterList(List<TEntity> entities) => table is null ? List(entities, AfterOf) : EntitySnapshots.WrittenList(table, entities);
        string KeyList(List<TEntity> entities) => table is null ? List(entities, KeyOf) : EntitySnapshots.KeyList(table, entities);
        if (perBatch)
        {
            // No record of this import comes back in a later batch (no kept repeats), so none is rewritten: the batch's
            // created records in one change record, its updated ones in another, each entry as its own record would hold it.
            if (created.Count > 0)
            {
                records.Add(new RowChangeRecord { JobId = jobId, EntityType = name, Created = true, Key = KeyList(created), After = AfterList(created) });
            }

            if (updated.Count > 0)
            {
                List<TEntity> updatedEntities = [.. updated.Select(u => u.Entity)];
                records.Add(new RowChangeRecord
                {
                    JobId = jobId,
                    EntityType = name,
                    Created = false,
                    Key = KeyList(updatedEntities),
                    Before = List(updated, u => u.Before),
                    After = AfterList(updatedEntities),
                });
            }
        }
        else
        {
            foreach (var entity in created)
            {
                records.Add(new RowChangeRecord { JobId = jobId, EntityType = name, Created = true, Key = KeyOf(entity), After = AfterOf(entity) });
            }

            foreach (var (entity, before) in updated)
            {
                records.Add(new RowChangeRecord { JobId = jobId, EntityType = name, Created = false, Key = KeyOf(entity), Before = before, After = AfterOf(entity) });
            }
        }

        // Change records go in bulk, in order, so their ids still order the changes: through the bulk inserter
        // (COPY on PostgreSQL) when there is one, else with one prepared INSERT; never through EF Core's tracker.
        if (records.Count < options.BulkInsertThreshold || options.BulkInserter is not { } inserter || !await inserter.InsertAsync(db, records, cancellationToken).ConfigureAwait(false))
        {
            await InsertAsync(db, records, cancellationToken).ConfigureAwait(false);
        }

        foreach (var entity in rewritten)
        {
            var key = KeyOf(entity);
            var after = AfterOf(entity);
            await Of(db, jobId).Where(c => c.EntityType == name && c.Key == key)
                .ExecuteUpdateAsync(set => set.SetProperty(c => c.After, after), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The entries of a change record: itself, or, for a record of a whole batch (its key a JSON array of keys), one
    /// record per entry, last first (the order a rollback undoes them in).
    /// </summary>
    public static IEnumerable<RowChangeRecord> Entries(RowChangeRecord record)
    {
        if (!IsBatch(record.Key))
        {
            yield return record;
            yield break;
        }

        var keys = Texts(record.Key);
        var after = Texts(record.After);
        var before = record.Before is null ? null : Texts(record.Before);
        for (var i = keys.Count - 1; i >= 0; i--)
        {
            yield return new RowChangeRecord { Id = record.Id, JobId = record.JobId, EntityType = record.EntityType, Created = record.Created, Key = keys[i], Before = before?[i], After = after[i] };
        }
    }

    /// <summary>The keys (as their JSON) of the records an import created of an entity type, among <paramref name="keys"/>.</summary>
    public static async Task<HashSet<string>> CreatedAmongAsync(DbContext db, Guid jobId, string entityType, IReadOnlyCollection<string> keys, int pageSize, CancellationToken cancellationToken)
    {
        var own = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in keys.Chunk(pageSize))
        {
            own.UnionWith(await Of(db, jobId)
                .Where(c => c.EntityType == entityType && c.Created && chunk.Contains(c.Key))
                .Select(c => c.Key)
                .ToListAsync(cancellationToken).ConfigureAwait(false));
        }

        // Records of whole batches hold their keys in a list: read those lists, a page at a time.
        var wanted = keys.ToHashSet(StringComparer.Ordinal);
        var after = 0L;
        while (true)
        {
            var page = await Of(db, jobId)
                .Where(c => c.EntityType == entityType && c.Created && c.Key.StartsWith("[[") && c.Id > after)
                .OrderBy(c => c.Id)
                .Select(c => new { c.Id, c.Key })
                .Take(pageSize)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                return own;
            }

            own.UnionWith(page.SelectMany(p => Texts(p.Key)).Where(wanted.Contains));
            after = page[^1].Id;
        }
    }

    /// <summary>True for the key of a whole batch's record: a list of keys, each itself a list.</summary>
    public static bool IsBatch(string key) => key.StartsWith("[[", StringComparison.Ordinal);

    private static string List<TItem>(List<TItem> items, Func<TItem, string> json) => "[" + string.Join(',', items.Select(json)) + "]";

    private static List<string> Texts(string list)
    {
        using var document = System.Text.Json.JsonDocument.Parse(list);
        return [.. document.RootElement.EnumerateArray().Select(e => e.GetRawText())];
    }

    /// <summary>
    /// Writes change records with one prepared INSERT run once per record on the context's connection and
    /// transaction (the fastest way into SQLite; multi-row statements measured slower there), values converted
    /// by the model's type mappings (a GUID as SQLite's text, a flag as its integer), ids left to the database
    /// and not read back: nothing needs them until a rollback reads the records in order.
    /// </summary>
    private static async Task InsertAsync(DbContext db, List<RowChangeRecord> records, CancellationToken cancellationToken)
    {
        var type = db.Model.FindEntityType(typeof(RowChangeRecord))!;
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        var properties = new[] { nameof(RowChangeRecord.JobId), nameof(RowChangeRecord.EntityType), nameof(RowChangeRecord.Created), nameof(RowChangeRecord.Key), nameof(RowChangeRecord.Before), nameof(RowChangeRecord.After) }
            .Select(name => type.FindProperty(name)!).ToArray();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        var mappings = properties.Select(p => p.GetRelationalTypeMapping()).ToArray();
        var parameters = properties.Select((p, c) => mappings[c].CreateParameter(command, $"p{c}", null, nullable: true)).ToArray();
        command.Parameters.AddRange(parameters);
        command.CommandText = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)))}) "
            + $"VALUES ({string.Join(", ", parameters.Select(p => sql.GenerateParameterNamePlaceholder(p.ParameterName)))})";
        await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
        foreach (var record in records)
        {
            for (var c = 0; c < properties.Length; c++)
            {
                var value = properties[c].GetGetter().GetClrValue(record);
                parameters[c].Value = (value is null ? null : mappings[c].Converter?.ConvertToProvider(value) ?? value) ?? DBNull.Value;
            }

            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
