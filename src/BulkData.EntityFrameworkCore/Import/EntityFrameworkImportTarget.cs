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
    private readonly EntityFrameworkTargetOptions options = BulkDataConfigurationException.ThrowIfInvalid(options ?? new EntityFrameworkTargetOptions());

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
        bool locksJobs = false) : IImportTransaction<TEntity>, IReferenceResolver
    {
        private readonly bool recordsChanges = ChangeRecords.AreKept(db);
        private readonly Dictionary<IReadOnlyList<string>, TableColumn[]> propertiesOf = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<(TableColumn[] Members, ulong Changed), TableColumn[]> differingOf = [];

        // The set-based writer's view of the table, or null where EF Core's tracker writes (see EntityTable.For).
        private readonly EntityTable? table = EntityTable.For(db, entityType);
        private TableStatements? statements;
        private bool? emptyAtStart;
        private readonly HashSet<ImportKey> writtenKeys = [];

        // Only a file whose repeated keys are kept (KeepLast) brings a key back in a later batch: otherwise the
        // import's keys are not remembered, and memory stays flat over any number of rows.
        private readonly bool remembersWritten = import.DuplicateKeys == DuplicateKeyPolicy.KeepLast;

        // A file without some of the resource's columns leaves their members at defaults: the record as
        // it will be stored (merged, or new) is what DataAnnotations must accept.
        private readonly bool validatesRecords = options.MergeStrategy == MergeStrategy.Upsert && import.AbsentMembers.Count > 0;

        // The import's own strategy, when it asked for one, over the target's. Records are validated above as the
        // target's strategy promised the import (ValidatesMergedRecords), whichever applies.
        private readonly MergeStrategy strategy = import.MergeStrategy ?? options.MergeStrategy;

        public async ValueTask WriteAsync(ImportBatch<TEntity> batch, CancellationToken cancellationToken = default)
        {
            var itemKeys = batch.Items.Select(KeyOf).ToArray();
            var existing = await FindsNothingAsync(cancellationToken).ConfigureAwait(false) ? new(batch.Count) : await FindExistingAsync(batch.Items, itemKeys, cancellationToken).ConfigureAwait(false);
            var created = new List<TEntity>();
            var updated = new List<(TEntity Entity, object Before)>();
            var rewritten = new List<TEntity>();
            var changed = new List<(object Entity, TableColumn[] Members)>();
            var writtenInBatch = new HashSet<ImportKey>();
            var createdInBatch = new HashSet<ImportKey>();

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
                        if (table is null)
                        {
                            db.Add(item);
                        }

                        existing[key] = item;
                    }

                    writtenInBatch.Add(key);
                    createdInBatch.Add(key);
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
                else
                {
                    var differing = Differing(members, current, item);
                    if (options.SkipUnchanged && differing.Length == 0)
                    {
                        batch.SetOutcome(i, RowOutcomeKind.Unchanged);
                        continue;
                    }

                    var before = recordsChanges && !ours ? Snapshot(current) : null;
                    var previous = validatesRecords ? Array.ConvertAll(members, c => c.Read(current)) : null;
                    foreach (var column in members)
                    {
                        Copy(item, current, column);
                    }

                    if (previous is not null && Rejects(batch, i, current))
                    {
                        for (var m = 0; m < members.Length; m++)
                        {
                            Set(current, members[m], previous[m]);
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

                    // A record inserted by this batch is inserted with its latest values; any other is updated.
                    if (table is not null && !createdInBatch.Contains(key))
                    {
                        changed.Add((current, differing.Length > 0 ? differing : members));
                    }

                    writtenInBatch.Add(key);
                    batch.SetOutcome(i, RowOutcomeKind.Updated);
                }
            }

            var refused = new List<RefusedRow>();
            if (recordsChanges)
            {
                await ChangeRecords.WriteAsync(db, import.JobId, entityType, table, () => SaveAsync(created, changed, bulk, refused, cancellationToken), created, updated, rewritten, perBatch: !remembersWritten, options, cancellationToken, refused).ConfigureAwait(false);
            }
            else
            {
                await SaveAsync(created, changed, bulk, refused, cancellationToken).ConfigureAwait(false);
            }

            foreach (var row in refused)
            {
                // The refused record is the row's own (new) or the stored one it updates (found by its key).
                var key = KeyOf((TEntity)row.Entity);
                batch.Reject(Array.IndexOf(itemKeys, key), row.Column, row.Message);
            }

            // Batches are independent: forgetting tracked entities keeps memory flat over any number of rows.
            db.ChangeTracker.Clear();
            if (remembersWritten)
            {
                writtenKeys.UnionWith(writtenInBatch);
            }
        }

        /// <summary>Writes the batch's new and changed records; returns the created ones as stored (read back after a COPY where the database generated values).</summary>
        private async Task<List<TEntity>> SaveAsync(List<TEntity> created, List<(object Entity, TableColumn[] Members)> changed, bool bulk, List<RefusedRow> refused, CancellationToken cancellationToken)
        {
            try
            {
                return table is null
                    ? await SaveTrackedAsync(created, bulk, cancellationToken).ConfigureAwait(false)
                    : await SaveSetBasedAsync(created, changed, bulk, refused, cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateException e) when (e.InnerException is { } cause)
            {
                // EF Core's own message says only to see the inner exception: the job names the database's cause.
                throw new DbUpdateException($"{typeof(TEntity).Name}: {cause.Message}", e);
            }
            catch (System.Data.Common.DbException e)
            {
                throw new DbUpdateException($"{typeof(TEntity).Name}: {e.Message}", e);
            }
        }

        /// <summary>
        /// True when no row of the import can match a stored record, so a batch needs no lookup: under SQLite's write
        /// lock, which the import's transaction holds from its <c>BEGIN IMMEDIATE</c> (Microsoft.Data.Sqlite's default) to
        /// its commit, a table empty when the transaction began holds only the rows it wrote itself, and when no key
        /// comes back in a later batch (no kept repeats) none of those is a later row's. Looked at once per transaction,
        /// before its first write, where the writer runs on the native handle (nothing watches the commands).
        /// </summary>
        private async ValueTask<bool> FindsNothingAsync(CancellationToken cancellationToken) =>
            transaction is not null && table is not null && !remembersWritten && Statements().BindsNatively
            && (emptyAtStart ??= await Statements().IsEmptyAsync(cancellationToken).ConfigureAwait(false));

        /// <summary>EF Core's way, for entity types the set-based writer does not serve: the tracker's changes saved, new records added (or bulk-inserted).</summary>
        private async Task<List<TEntity>> SaveTrackedAsync(List<TEntity> created, bool bulk, CancellationToken cancellationToken)
        {
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
                    return await ReadBackAsync(created, cancellationToken).ConfigureAwait(false);
                }
            }

            return created;
        }

        /// <summary>
        /// The set-based way: new records inserted by the bulk inserter (COPY) or by prepared INSERTs that return what
        /// the database generated, changed records updated by prepared UPDATEs of the members the row sets. Rows a
        /// constraint refuses one by one (SQLite) go to <paramref name="refused"/> and out of the created ones returned.
        /// </summary>
        private async Task<List<TEntity>> SaveSetBasedAsync(List<TEntity> created, List<(object Entity, TableColumn[] Members)> changed, bool bulk, List<RefusedRow> refused, CancellationToken cancellationToken)
        {
            var statements = Statements();
            if (bulk && created.Count > 0 && await options.BulkInserter!.InsertAsync(db, created, cancellationToken).ConfigureAwait(false))
            {
                if (recordsChanges && created.Any(e => table!.OmittedBy(e) != 0))
                {
                    created = await ReadBackAsync(created, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                await statements.InsertAsync(created, refused, cancellationToken).ConfigureAwait(false);
            }

            await statements.UpdateAsync(changed, refused, cancellationToken).ConfigureAwait(false);
            return refused.Count == 0 ? created : [.. created.Where(e => !RefusedRow.Includes(refused, e))];
        }

        private TableStatements Statements() => statements ??= new TableStatements(table!, db);

        /// <summary>
        /// An updated record's before-image: its JSON through its tracked entry on EF Core's way; on the set-based one a
        /// typed copy, which the change records serialize beside the batch's writes (as JSON on the writer's thread, the
        /// before-images took 0.72 s of a million-row half-changed SQLite import).
        /// </summary>
        private object Snapshot(TEntity entity) => table is null ? EntitySnapshots.Values(db.Entry(entity)) : table.CopyOf(entity);

        /// <summary>
        /// The members whose values the row changes, in order, one array per set of members and changes: an UPDATE sets
        /// only those, so an unchanged key's index entry is not rewritten (SQLite rewrites the entry of every indexed column
        /// a SET names: 50,000 updates of the database benchmark took 0.30 s with its key in the SET, 0.12 s without).
        /// </summary>
        private TableColumn[] Differing(TableColumn[] members, TEntity current, TEntity item)
        {
            if (members.Length > 64)
            {
                return Array.TrueForAll(members, c => c.SameIn(current, item)) ? [] : members;
            }

            var mask = 0UL;
            for (var m = 0; m < members.Length; m++)
            {
                if (!members[m].SameIn(current, item))
                {
                    mask |= 1UL << m;
                }
            }

            if (mask == 0 || mask == ulong.MaxValue >> (64 - members.Length))
            {
                return mask == 0 ? [] : members;
            }

            if (!differingOf.TryGetValue((members, mask), out var subset))
            {
                differingOf[(members, mask)] = subset = [.. members.Where((_, m) => (mask & (1UL << m)) != 0)];
            }

            return subset;
        }

        /// <summary>Copies a row's member onto an existing record: through its tracked entry on EF Core's way, on the object itself on the set-based one.</summary>
        private void Copy(TEntity item, TEntity current, TableColumn column)
        {
            if (table is null)
            {
                db.Entry(current).Property(column.Property.Name).CurrentValue = column.Read(item);
            }
            else
            {
                column.Copy(item, current);
            }
        }

        /// <summary>Sets a member of an existing record: through its tracked entry on EF Core's way, on the object itself on the set-based one.</summary>
        private void Set(TEntity entity, TableColumn column, object? value)
        {
            if (table is null)
            {
                db.Entry(entity).Property(column.Property.Name).CurrentValue = value;
            }
            else
            {
                column.Write(entity, value);
            }
        }

        /// <summary>A lookup column's referenced records, read in this transaction (on SQLite the one connection that may read while it writes).</summary>
        public ValueTask<IReadOnlyDictionary<TNatural, object>> ResolveAsync<TReferenced, TNatural>(string naturalKey, IReadOnlyCollection<TNatural> values, CancellationToken cancellationToken = default)
            where TReferenced : class
            where TNatural : notnull =>
            ReferenceQueries.ResolveAsync<TReferenced, TNatural>(db, naturalKey, values, cancellationToken);

        public bool Creates => true;

        /// <summary>
        /// A lookup's missing records, created in this transaction through EF Core (their other members at their defaults,
        /// database-generated keys read back) and recorded for rollback like the import's own rows.
        /// </summary>
        public async ValueTask<IReadOnlyDictionary<TNatural, object>> CreateAsync<TReferenced, TNatural>(string naturalKey, IReadOnlyCollection<TNatural> values, CancellationToken cancellationToken = default)
            where TReferenced : class
            where TNatural : notnull
        {
            var type = db.Model.FindEntityType(typeof(TReferenced))!;
            var natural = type.FindProperty(naturalKey)!;
            var created = new List<TReferenced>(values.Count);
            foreach (var value in values)
            {
                var record = Activator.CreateInstance<TReferenced>();
                db.Add(record).Property(natural.Name).CurrentValue = value;
                created.Add(record);
            }

            async Task<List<TReferenced>> SaveAsync()
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                return created;
            }

            if (recordsChanges)
            {
                await ChangeRecords.WriteAsync(db, import.JobId, type, null, SaveAsync, created, [], [], perBatch: false, options, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await SaveAsync().ConfigureAwait(false);
            }

            var key = type.FindPrimaryKey()!.Properties[0];
            var keys = created.ToDictionary(r => (TNatural)natural.GetGetter().GetClrValue(r)!, r => key.GetGetter().GetClrValue(r)!);
            db.ChangeTracker.Clear();
            return keys;
        }

        public ValueTask<IReadOnlyDictionary<object, TNatural>> NaturalKeysAsync<TReferenced, TKey, TNatural>(string naturalKey, IReadOnlyCollection<TKey> keys, CancellationToken cancellationToken = default)
            where TReferenced : class
            where TNatural : notnull =>
            ReferenceQueries.NaturalKeysAsync<TReferenced, TKey, TNatural>(db, naturalKey, keys, cancellationToken);

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
            if (statements is not null)
            {
                await statements.DisposeAsync().ConfigureAwait(false);
            }

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

        /// <summary>The columns an update sets for a row: its members, less the primary key. Lists repeat from row to row, so each is mapped once.</summary>
        private TableColumn[] PropertiesOf(IReadOnlyList<string> members)
        {
            if (!propertiesOf.TryGetValue(members, out var properties))
            {
                properties = members.Select(entityType.FindProperty).OfType<IProperty>().Where(p => !p.IsPrimaryKey())
                    .Select(p => table?.ColumnOf(p) ?? new TableColumn(p, -1, p.Name, p.GetRelationalTypeMapping())).ToArray();
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
            var wanted = itemKeys.ToHashSet();
            var found = new Dictionary<ImportKey, TEntity>();
            await foreach (var entity in CandidatesAsync(items, cancellationToken).ConfigureAwait(false))
            {
                var key = KeyOf(entity);
                if (wanted.Contains(key))
                {
                    found[key] = entity;
                }
            }

            return found;
        }

        /// <summary>
        /// The records whose key members each hold one of the items' values (a superset of the items' keys): with the
        /// set-based writer's prepared SELECT for a one-member key, else with one EF Core query, tracked only on EF
        /// Core's way. Either is tagged <see cref="QueryTags.ExistingRecords"/>.
        /// </summary>
        private async IAsyncEnumerable<TEntity> CandidatesAsync(IReadOnlyList<TEntity> items, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (table is not null && keys.Length == 1)
            {
                var column = table.ColumnOf(keys[0]);
                foreach (TEntity entity in await Statements().SelectAsync(column, [.. items.Select(column.Read).OfType<object>().Distinct()], cancellationToken).ConfigureAwait(false))
                {
                    yield return entity;
                }

                yield break;
            }

            IQueryable<TEntity> query = db.Set<TEntity>().TagWith(QueryTags.ExistingRecords);
            foreach (var key in keys)
            {
                var values = items.Select(i => key.GetGetter().GetClrValue(i)).Where(v => v is not null).Distinct().ToList();
                query = (IQueryable<TEntity>)WhereInMethod.MakeGenericMethod(key.ClrType).Invoke(null, [query, key, values])!;
            }

            query = table is null ? query.AsTracking() : query.AsNoTracking();
            await foreach (var entity in query.AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                yield return entity;
            }
        }

        /// <summary>Reads new records back after a COPY, which returns nothing: their database-generated keys are known only to the database.</summary>
        private async Task<List<TEntity>> ReadBackAsync(List<TEntity> created, CancellationToken cancellationToken) =>
            [.. (await FindExistingAsync(created, created.Select(KeyOf).ToArray(), cancellationToken).ConfigureAwait(false)).Values];

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
