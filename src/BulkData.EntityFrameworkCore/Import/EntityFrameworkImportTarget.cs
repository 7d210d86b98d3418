using System.Reflection;
using BulkData.EntityFrameworkCore.Jobs;
using BulkData.Import;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace BulkData.EntityFrameworkCore.Import;

/// <summary>What an import does with a row whose key already exists.</summary>
public enum MergeStrategy
{
    /// <summary>The row is refused as an error: existing records are never touched. The default.</summary>
    FailOnConflict,

    /// <summary>The existing record is overwritten with the row's values (upsert).</summary>
    Upsert,

    /// <summary>The existing record is kept and the row skipped.</summary>
    SkipExisting,
}

/// <summary>How rows are written to the database.</summary>
public sealed class EntityFrameworkTargetOptions
{
    /// <summary>What happens to a row whose key exists. Default: <see cref="MergeStrategy.FailOnConflict"/>.</summary>
    public MergeStrategy MergeStrategy { get; set; } = MergeStrategy.FailOnConflict;

    /// <summary>Leaves a record whose imported values are all unchanged alone, reported as unchanged. Default: true.</summary>
    public bool SkipUnchanged { get; set; } = true;

    /// <summary>
    /// Inserts a batch's new records with the database's bulk path (e.g. <c>NpgsqlCopyInserter</c>) instead of
    /// INSERT statements. Default: null, EF Core inserts them.
    /// </summary>
    public IBulkInserter? BulkInserter { get; set; }

    /// <summary>The fewest new records in a batch for which <see cref="BulkInserter"/> is used. Default: 100.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, int.MaxValue)]
    public int BulkInsertThreshold { get; set; } = 100;
}

/// <summary>
/// Imports into an entity of any EF Core context. Rows are matched to existing records by the resource's
/// import key with one set-based query per batch (<c>WHERE key IN (...)</c>), never one per row. When the
/// context's model has the job tables (<see cref="BulkDataModelBuilderExtensions.AddBulkDataJobs"/>), every
/// created key and every updated record's before-image is recorded for rollback, and in partial mode the
/// job's checkpoint moves in the same transaction as the batch.
/// </summary>
/// <typeparam name="TContext">The application's context.</typeparam>
/// <typeparam name="TEntity">The entity imported (the resource's type).</typeparam>
/// <param name="contexts">Creates the context of each transaction.</param>
/// <param name="options">Merge strategy and unchanged-row handling; null for the defaults.</param>
public sealed class EntityFrameworkImportTarget<TContext, TEntity>(IDbContextFactory<TContext> contexts, EntityFrameworkTargetOptions? options = null) : IImportTarget<TEntity>
    where TContext : DbContext
    where TEntity : class
{
    private readonly EntityFrameworkTargetOptions options = options ?? new EntityFrameworkTargetOptions();

    /// <inheritdoc/>
    public async ValueTask<IImportTransaction<TEntity>> BeginAsync(ImportTargetContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var entityType = db.Model.FindEntityType(typeof(TEntity))
                ?? throw new BulkDataConfigurationException(typeof(TEntity).Name, $"{typeof(TContext).Name} has no entity {typeof(TEntity).Name}; add a DbSet or configure it in OnModelCreating.");
            if (context.KeyMembers.Count == 0)
            {
                throw new BulkDataConfigurationException(typeof(TEntity).Name, $"The resource {typeof(TEntity).Name} has no import key, so rows cannot be matched to records. Set one with Key(...) or [Key].");
            }

            var keys = context.KeyMembers.Select(m => entityType.FindProperty(m)
                ?? throw new BulkDataConfigurationException($"{typeof(TEntity).Name}.{m}", $"The key member {m} is not a mapped property of {typeof(TEntity).Name}.")).ToArray();
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            return new Transaction(db, transaction, entityType, keys, context, options);
        }
        catch
        {
            await db.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private sealed class Transaction(
        TContext db,
        IDbContextTransaction transaction,
        IEntityType entityType,
        IProperty[] keys,
        ImportTargetContext import,
        EntityFrameworkTargetOptions options) : IImportTransaction<TEntity>
    {
        private readonly bool recordsChanges = db.Model.FindEntityType(typeof(RowChangeRecord)) is not null;
        private readonly IProperty[] imported = import.ImportedMembers.Select(entityType.FindProperty).OfType<IProperty>().Where(p => !p.IsPrimaryKey()).ToArray();
        private readonly HashSet<string> writtenKeys = [];

        public async ValueTask WriteAsync(ImportBatch<TEntity> batch, CancellationToken cancellationToken = default)
        {
            var existing = await FindExistingAsync(batch.Items, cancellationToken).ConfigureAwait(false);
            var created = new List<TEntity>();
            var updated = new List<(TEntity Entity, string Before)>();

            // New records go to the bulk inserter only when no key repeats, so none is both inserted and updated here.
            var bulk = options.BulkInserter is not null && batch.Items.Select(KeyOf).Distinct().Count() == batch.Count
                && batch.Count - existing.Count >= options.BulkInsertThreshold;
            for (var i = 0; i < batch.Count; i++)
            {
                var item = batch.Items[i];
                var key = KeyOf(item);
                if (!existing.TryGetValue(key, out var current))
                {
                    if (!bulk)
                    {
                        db.Add(item);
                        existing[key] = item;
                    }

                    writtenKeys.Add(key);
                    created.Add(item);
                    continue;
                }

                // A record this import wrote earlier (a repeated key the duplicate policy keeps) is always overwritten.
                var ours = writtenKeys.Contains(key);
                if (!ours && options.MergeStrategy == MergeStrategy.SkipExisting)
                {
                    batch.SetOutcome(i, RowOutcomeKind.Skipped);
                }
                else if (!ours && options.MergeStrategy == MergeStrategy.FailOnConflict)
                {
                    batch.Reject(i, keys[0].Name, $"A record with the key '{key.Replace('\u001F', '/')}' already exists. Import with the 'overwrite' or 'skip existing' strategy to update or keep it.");
                }
                else if (options.SkipUnchanged && imported.All(p => Equals(p.GetGetter().GetClrValue(current), p.GetGetter().GetClrValue(item))))
                {
                    batch.SetOutcome(i, RowOutcomeKind.Unchanged);
                }
                else
                {
                    var entry = db.Entry(current);
                    if (recordsChanges && !ours)
                    {
                        updated.Add((current, EntitySnapshots.Values(entry)));
                    }

                    foreach (var property in imported)
                    {
                        entry.Property(property.Name).CurrentValue = property.GetGetter().GetClrValue(item);
                    }

                    writtenKeys.Add(key);
                    batch.SetOutcome(i, RowOutcomeKind.Updated);
                }
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            if (bulk && created.Count > 0)
            {
                if (!await options.BulkInserter!.InsertAsync(db, created, cancellationToken).ConfigureAwait(false))
                {
                    db.AddRange(created);
                    await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                }
                else if (recordsChanges)
                {
                    // Database-generated keys are known only to the database: read the new records back, in one query.
                    created = [.. (await FindExistingAsync(created, cancellationToken).ConfigureAwait(false)).Values];
                }
            }

            if (recordsChanges)
            {
                await RecordChangesAsync(created, updated, batch.RowNumberAt(batch.Count - 1), cancellationToken).ConfigureAwait(false);
            }

            // Batches are independent: forgetting tracked entities keeps memory flat over any number of rows.
            db.ChangeTracker.Clear();
        }

        public ValueTask CommitAsync(CancellationToken cancellationToken = default) => new(transaction.CommitAsync(cancellationToken));

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            await db.DisposeAsync().ConfigureAwait(false);
        }

        private async Task RecordChangesAsync(List<TEntity> created, List<(TEntity Entity, string Before)> updated, long lastRow, CancellationToken cancellationToken)
        {
            var name = entityType.Name;
            foreach (var entity in created)
            {
                var entry = db.Entry(entity);
                db.Add(new RowChangeRecord { JobId = import.JobId, EntityType = name, Created = true, Key = EntitySnapshots.Key(entry), After = EntitySnapshots.Values(entry) });
            }

            foreach (var (entity, before) in updated)
            {
                var entry = db.Entry(entity);
                db.Add(new RowChangeRecord { JobId = import.JobId, EntityType = name, Created = false, Key = EntitySnapshots.Key(entry), Before = before, After = EntitySnapshots.Values(entry) });
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            if (import.CommitMode == CommitMode.Partial)
            {
                await db.Set<JobRecord>().Where(j => j.Id == import.JobId)
                    .ExecuteUpdateAsync(set => set.SetProperty(j => j.Checkpoint, lastRow).SetProperty(j => j.Version, j => j.Version + 1), cancellationToken)
                    .ConfigureAwait(false);
            }
        }

        /// <summary>Loads the batch's existing records in one query on the first key member, then matches the whole key.</summary>
        private async Task<Dictionary<string, TEntity>> FindExistingAsync(IReadOnlyList<TEntity> items, CancellationToken cancellationToken)
        {
            var first = keys[0];
            var values = items.Select(i => first.GetGetter().GetClrValue(i)).Where(v => v is not null).Distinct().ToList();
            var query = (IQueryable<TEntity>)ContainsMethod.MakeGenericMethod(first.ClrType).Invoke(null, [db.Set<TEntity>(), first, values])!;
            var wanted = items.Select(KeyOf).ToHashSet();
            var found = new Dictionary<string, TEntity>();
            await foreach (var entity in query.AsTracking().AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var key = KeyOf(entity);
                if (wanted.Contains(key))
                {
                    found[key] = entity;
                }
            }

            return found;
        }

        private string KeyOf(TEntity entity) => EntitySnapshots.KeyText(keys.Select(k => k.GetGetter().GetClrValue(entity)));

        private static readonly MethodInfo ContainsMethod = typeof(Transaction).GetMethod(nameof(WhereIn), BindingFlags.NonPublic | BindingFlags.Static)!;

        // The captured list becomes one query parameter, so every batch runs the same cached SQL.
        private static IQueryable<TEntity> WhereIn<TKey>(IQueryable<TEntity> set, IProperty property, List<object?> values)
        {
            var typed = values.Cast<TKey>().ToList();
            var name = property.Name;
            return set.Where(e => typed.Contains(EF.Property<TKey>(e, name)));
        }
    }
}
