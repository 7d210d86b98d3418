using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using BulkData.EntityFrameworkCore.Jobs;
using BulkData.Import;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace BulkData.EntityFrameworkCore.Import;

/// <summary>How rows are written to the database.</summary>
public sealed class EntityFrameworkTargetOptions
{
    /// <summary>What happens to a row whose key exists, unless the import asks for another (<see cref="ImportOptions.MergeStrategy"/>). Default: <see cref="MergeStrategy.FailOnConflict"/>.</summary>
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

    /// <summary>These options with another merge strategy, every other option kept.</summary>
    internal EntityFrameworkTargetOptions WithMergeStrategy(MergeStrategy strategy)
    {
        var copy = (EntityFrameworkTargetOptions)MemberwiseClone();
        copy.MergeStrategy = strategy;
        return copy;
    }
}

/// <summary>
/// Imports into an entity of any EF Core context. Rows are matched to existing records by the resource's
/// import key, compared as typed values (<see cref="ImportKey"/>), with one set-based query per batch that
/// filters on every key member (<c>WHERE a IN (...) AND b IN (...)</c>), never one per row. When the
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

    // The keys each running import has written in its committed transactions: a key the duplicate policy
    // keeps is overwritten, never refused or recorded twice, whichever batch it comes back in. The table
    // lets go of an import's keys with its context.
    private readonly ConditionalWeakTable<ImportTargetContext, HashSet<ImportKey>> writtenByImport = [];

    /// <summary>True under <see cref="MergeStrategy.Upsert"/>: an update sets only the file's members, and the merged record is validated here.</summary>
    public bool ValidatesMergedRecords => options.MergeStrategy == MergeStrategy.Upsert;

    /// <inheritdoc/>
    public async ValueTask<IImportTransaction<TEntity>> BeginAsync(ImportTargetContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (entityType, keys) = Describe(db, context);
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var locksJobs = SqliteJobLocks.LocksJobTables(db);
            if (locksJobs)
            {
                SqliteJobLocks.Hold(context.JobId);
            }

            return new Transaction(db, transaction, entityType, keys, context, options, writtenByImport.GetValue(context, _ => []), locksJobs);
        }
        catch
        {
            await db.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Writes on a data package's context and open transaction, which only the package commits and disposes.</summary>
    internal IImportTransaction<TEntity> BeginShared(TContext db, ImportTargetContext context)
    {
        var (entityType, keys) = Describe(db, context);
        return new Transaction(db, null, entityType, keys, context, options, writtenByImport.GetValue(context, _ => []));
    }

    private static (IEntityType EntityType, IProperty[] Keys) Describe(TContext db, ImportTargetContext context)
    {
        var entityType = db.Model.FindEntityType(typeof(TEntity))
            ?? throw new BulkDataConfigurationException(typeof(TEntity).Name, $"{typeof(TContext).Name} has no entity {typeof(TEntity).Name}; add a DbSet or configure it in OnModelCreating.");
        if (context.KeyMembers.Count == 0)
        {
            throw new BulkDataConfigurationException(typeof(TEntity).Name, $"The resource {typeof(TEntity).Name} has no import key, so rows cannot be matched to records. Set one with Key(...) or [Key].");
        }

        var keys = context.KeyMembers.Select(m => entityType.FindProperty(m)
            ?? throw new BulkDataConfigurationException($"{typeof(TEntity).Name}.{m}", $"The key member {m} is not a mapped property of {typeof(TEntity).Name}.")).ToArray();
        return (entityType, keys);
    }

    /// <summary>A batch's unit of work; with no <paramref name="transaction"/> of its own it writes in a package's, and neither commits nor disposes it.</summary>
    private sealed class Transaction(
        TContext db,
        IDbContextTransaction? transaction,
        IEntityType entityType,
        IProperty[] keys,
        ImportTargetContext import,
        EntityFrameworkTargetOptions options,
        HashSet<ImportKey> committedKeys,
        bool locksJobs = false) : IImportTransaction<TEntity>
    {
        private readonly bool recordsChanges = ChangeRecords.AreKept(db);
        private readonly Dictionary<IReadOnlyList<string>, IProperty[]> propertiesOf = new(ReferenceEqualityComparer.Instance);
        private readonly HashSet<ImportKey> writtenKeys = [];

        // A file without some of the resource's columns leaves their members at defaults: the record as
        // it will be stored (merged, or new) is what DataAnnotations must accept.
        private readonly bool validatesRecords = options.MergeStrategy == MergeStrategy.Upsert && import.AbsentMembers.Count > 0;

        // The import's own strategy, when it asked for one, over the target's. Records are validated above as the
        // target's strategy promised the import (ValidatesMergedRecords), whichever applies.
        private readonly MergeStrategy strategy = import.MergeStrategy ?? options.MergeStrategy;

        public async ValueTask WriteAsync(ImportBatch<TEntity> batch, CancellationToken cancellationToken = default)
        {
            var itemKeys = batch.Items.Select(KeyOf).ToArray();
            var existing = await FindExistingAsync(batch.Items, itemKeys, cancellationToken).ConfigureAwait(false);
            var created = new List<TEntity>();
            var updated = new List<(TEntity Entity, string Before)>();
            var rewritten = new List<TEntity>();
            var writtenInBatch = new HashSet<ImportKey>();

            // New records go to the bulk inserter only when no key repeats, so none is both inserted and updated here.
            var bulk = options.BulkInserter is not null && itemKeys.Distinct().Count() == batch.Count
                && batch.Count - existing.Count >= options.BulkInsertThreshold;
            for (var i = 0; i < batch.Count; i++)
            {
                var item = batch.Items[i];
                var key = itemKeys[i];
                if (!existing.TryGetValue(key, out var current))
                {
                    if (validatesRecords && Rejects(batch, i, item))
                    {
                        continue;
                    }

                    if (!bulk)
                    {
                        db.Add(item);
                        existing[key] = item;
                    }

                    writtenInBatch.Add(key);
                    created.Add(item);
                    continue;
                }

                // A record this import wrote earlier (a repeated key the duplicate policy keeps) is always overwritten.
                var ours = writtenInBatch.Contains(key) || writtenKeys.Contains(key) || committedKeys.Contains(key);
                var members = PropertiesOf(batch.MembersSetAt(i));
                if (!ours && strategy == MergeStrategy.SkipExisting)
                {
                    batch.SetOutcome(i, RowOutcomeKind.Skipped);
                }
                else if (!ours && strategy == MergeStrategy.FailOnConflict)
                {
                    batch.Reject(i, keys[0].Name, $"A record with the key '{key}' already exists. Import with the 'overwrite' or 'skip existing' strategy to update or keep it.");
                }
                else if (options.SkipUnchanged && members.All(p => p.GetValueComparer().Equals(p.GetGetter().GetClrValue(current), p.GetGetter().GetClrValue(item))))
                {
                    batch.SetOutcome(i, RowOutcomeKind.Unchanged);
                }
                else
                {
                    var entry = db.Entry(current);
                    var before = recordsChanges && !ours ? EntitySnapshots.Values(entry) : null;
                    var previous = members.Select(p => entry.Property(p.Name).CurrentValue).ToArray();
                    foreach (var property in members)
                    {
                        entry.Property(property.Name).CurrentValue = property.GetGetter().GetClrValue(item);
                    }

                    if (validatesRecords && Rejects(batch, i, current))
                    {
                        for (var m = 0; m < members.Length; m++)
                        {
                            entry.Property(members[m].Name).CurrentValue = previous[m];
                        }

                        continue;
                    }

                    if (before is not null)
                    {
                        updated.Add((current, before));
                    }
                    else if (recordsChanges && !writtenInBatch.Contains(key))
                    {
                        // Written by an earlier batch of this import: its change record must end with these values.
                        rewritten.Add(current);
                    }

                    writtenInBatch.Add(key);
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
                    created = [.. (await FindExistingAsync(created, created.Select(KeyOf).ToArray(), cancellationToken).ConfigureAwait(false)).Values];
                }
            }

            if (recordsChanges)
            {
                await ChangeRecords.WriteAsync(db, import.JobId, entityType, created, updated, rewritten, options, cancellationToken).ConfigureAwait(false);
            }

            // Batches are independent: forgetting tracked entities keeps memory flat over any number of rows.
            db.ChangeTracker.Clear();
            writtenKeys.UnionWith(writtenInBatch);
        }

        public async ValueTask CommitAsync(ImportProgress progress, CancellationToken cancellationToken = default)
        {
            if (transaction is null)
            {
                committedKeys.UnionWith(writtenKeys);
                return;
            }

            if (recordsChanges && import.CommitMode == CommitMode.Partial)
            {
                // The checkpoint and the counts it goes with move in the batch's own transaction: a resumed import
                // skips exactly the committed rows and carries on counting from them.
                var (counts, errors) = (progress.Counts, JsonSerializer.Serialize(progress.Errors));
                await db.Set<JobRecord>().Where(j => j.Id == import.JobId)
                    .ExecuteUpdateAsync(
                        set => set.SetProperty(j => j.Checkpoint, progress.LastRow)
                            .SetProperty(j => j.Read, counts.Read).SetProperty(j => j.Valid, counts.Valid).SetProperty(j => j.Invalid, counts.Invalid)
                            .SetProperty(j => j.Created, counts.Created).SetProperty(j => j.Updated, counts.Updated).SetProperty(j => j.Skipped, counts.Skipped)
                            .SetProperty(j => j.Unchanged, counts.Unchanged).SetProperty(j => j.Existing, counts.Existing).SetProperty(j => j.Duplicates, counts.Duplicates)
                            .SetProperty(j => j.ErrorCount, progress.ErrorCount).SetProperty(j => j.Errors, errors)
                            .SetProperty(j => j.Version, j => j.Version + 1),
                        cancellationToken)
                    .ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            committedKeys.UnionWith(writtenKeys);
        }

        public async ValueTask DisposeAsync()
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
                await db.DisposeAsync().ConfigureAwait(false);
            }

            if (locksJobs)
            {
                SqliteJobLocks.Release(import.JobId);
            }
        }

        /// <summary>The properties an update sets for a row: its members, less the primary key. Lists repeat from row to row, so each is mapped once.</summary>
        private IProperty[] PropertiesOf(IReadOnlyList<string> members)
        {
            if (!propertiesOf.TryGetValue(members, out var properties))
            {
                properties = members.Select(entityType.FindProperty).OfType<IProperty>().Where(p => !p.IsPrimaryKey()).ToArray();
                propertiesOf[members] = properties;
            }

            return properties;
        }

        /// <summary>Validates the record as it would be stored; a failure rejects the row with the first message.</summary>
        private static bool Rejects(ImportBatch<TEntity> batch, int index, TEntity entity)
        {
            var results = new List<ValidationResult>();
            if (Validator.TryValidateObject(entity, new ValidationContext(entity), results, validateAllProperties: true))
            {
                return false;
            }

            batch.Reject(index, results[0].MemberNames.FirstOrDefault(), results[0].ErrorMessage ?? "This record is not valid.");
            return true;
        }

        /// <summary>Loads the batch's existing records in one query filtering on every key member, then matches whole keys as typed values.</summary>
        private async Task<Dictionary<ImportKey, TEntity>> FindExistingAsync(IReadOnlyList<TEntity> items, ImportKey[] itemKeys, CancellationToken cancellationToken)
        {
            IQueryable<TEntity> query = db.Set<TEntity>();
            foreach (var key in keys)
            {
                var values = items.Select(i => key.GetGetter().GetClrValue(i)).Where(v => v is not null).Distinct().ToList();
                query = (IQueryable<TEntity>)WhereInMethod.MakeGenericMethod(key.ClrType).Invoke(null, [query, key, values])!;
            }

            var wanted = itemKeys.ToHashSet();
            var found = new Dictionary<ImportKey, TEntity>();
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

        private ImportKey KeyOf(TEntity entity) => new(Array.ConvertAll(keys, k => k.GetGetter().GetClrValue(entity)));

        private static readonly MethodInfo WhereInMethod = typeof(Transaction).GetMethod(nameof(WhereIn), BindingFlags.NonPublic | BindingFlags.Static)!;

        // The captured list becomes one query parameter, so every batch runs the same cached SQL.
        private static IQueryable<TEntity> WhereIn<TKey>(IQueryable<TEntity> set, IProperty property, List<object?> values)
        {
            var typed = values.Cast<TKey>().ToList();
            var name = property.Name;
            return set.Where(e => typed.Contains(EF.Property<TKey>(e, name)));
        }
    }
}
