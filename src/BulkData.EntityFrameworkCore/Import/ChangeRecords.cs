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
    /// entities the same import had already written (their first record keeps the values before the import).
    /// </summary>
    public static async Task WriteAsync<TEntity>(
        DbContext db,
        Guid jobId,
        IEntityType entityType,
        EntityTable? table,
        List<TEntity> created,
        List<(TEntity Entity, string Before)> updated,
        List<TEntity> rewritten,
        EntityFrameworkTargetOptions options,
        CancellationToken cancellationToken)
        where TEntity : class
    {
        var name = entityType.Name;
        var records = new List<RowChangeRecord>(created.Count + updated.Count);
        // Untracked entities (the set-based writer's) are read directly; tracked ones through their entries.
        string KeyOf(TEntity entity) => table is null ? EntitySnapshots.Key(db.Entry(entity)) : EntitySnapshots.Key(table, entity);
        string ValuesOf(TEntity entity) => table is null ? EntitySnapshots.Values(db.Entry(entity)) : EntitySnapshots.Values(table, entity);
        foreach (var entity in created)
        {
            records.Add(new RowChangeRecord { JobId = jobId, EntityType = name, Created = true, Key = KeyOf(entity), After = ValuesOf(entity) });
        }

        foreach (var (entity, before) in updated)
        {
            records.Add(new RowChangeRecord { JobId = jobId, EntityType = name, Created = false, Key = KeyOf(entity), Before = before, After = ValuesOf(entity) });
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
            var after = ValuesOf(entity);
            await Of(db, jobId).Where(c => c.EntityType == name && c.Key == key)
                .ExecuteUpdateAsync(set => set.SetProperty(c => c.After, after), cancellationToken).ConfigureAwait(false);
        }
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
