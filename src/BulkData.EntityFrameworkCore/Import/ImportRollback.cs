using BulkData.EntityFrameworkCore.Jobs;
using BulkData.Import;
using BulkData.Jobs;
using Microsoft.EntityFrameworkCore;

namespace BulkData.EntityFrameworkCore.Import;

/// <summary>
/// Undoes a committed import recorded by <see cref="EntityFrameworkImportTarget{TContext, TEntity}"/>: in one
/// transaction, deletes the records it created, restores those it updated, and marks the job rolled back.
/// A partial import that failed or was cancelled after some batches committed is undone like any other.
/// Records changed since the import (their values differ from what it wrote), and records of others that
/// depend on records it created, are refused unless forced: a rollback never cascades silently. The
/// change records are read a page at a time, so memory does not grow with the import.
/// </summary>
/// <typeparam name="TContext">The context holding both the imported entities and the job tables.</typeparam>
/// <param name="contexts">Creates the context.</param>
/// <param name="time">The clock the window is measured with.</param>
/// <param name="options">The rollback window; null for 24 hours.</param>
public sealed class ImportRollback<TContext>(IDbContextFactory<TContext> contexts, TimeProvider time, RollbackOptions? options = null)
    : IImportRollback
    where TContext : DbContext
{
    private const int PageSize = 1_000;

    /// <summary>The key text a page of change records holds at most (but one record): about a thousand keys.</summary>
    private const int PageKeyText = 8 * PageSize;

    private readonly RollbackOptions options = BulkDataConfigurationException.ThrowIfInvalid(options ?? new RollbackOptions());

    /// <inheritdoc/>
    public async Task<RollbackResult> RollbackAsync(Guid jobId, JobScope scope, bool force = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await db.Set<JobRecord>().AsNoTracking().SingleOrDefaultAsync(j => j.Id == jobId, cancellationToken).ConfigureAwait(false) is not { } job
                || !scope.Includes(JobMapping.ToJob(job)))
            {
                throw new JobNotFoundException(jobId);
            }
        }

        return await RollbackAsync(jobId, scope.Owner, force, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Rolls an import back.</summary>
    /// <param name="jobId">The import's job.</param>
    /// <param name="actor">Who rolls it back, for the job's history.</param>
    /// <param name="force">Also undo records changed since the import, overwriting those changes, and delete records others depend on.</param>
    /// <param name="cancellationToken">Cancels the rollback; nothing is changed.</param>
    /// <returns>What was undone.</returns>
    /// <exception cref="RollbackRefusedException">The rollback is not allowed; nothing was changed.</exception>
    public async Task<RollbackResult> RollbackAsync(Guid jobId, string? actor = null, bool force = false, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // The job row is claimed before anything is read: a second rollback at the same time waits on its lock (on
        // SQLite, the database's), then finds the job rolled back and is refused instead of undoing it again. If
        // this one is refused, the transaction's end gives the row back as it was.
        await db.Set<JobRecord>().Where(j => j.Id == jobId && j.Status != nameof(JobStatus.RolledBack))
            .ExecuteUpdateAsync(j => j.SetProperty(r => r.Version, r => r.Version + 1), cancellationToken).ConfigureAwait(false);
        var job = await db.Set<JobRecord>().SingleOrDefaultAsync(j => j.Id == jobId, cancellationToken).ConfigureAwait(false)
            ?? throw new RollbackRefusedException(jobId, $"There is no job {jobId}.");
        Refuse(job, await ChangeRecords.Of(db, jobId).AnyAsync(cancellationToken).ConfigureAwait(false));

        var changedSince = new List<string>();
        var dependents = new List<string>();
        int deleted = 0, restored = 0;
        var before = long.MaxValue;
        while (true)
        {
            // Newest first, so a record created and then updated by the import is restored before it is deleted. A
            // page holds about a thousand changes: a record of a whole batch counts for every key in its list.
            var heads = await ChangeRecords.Of(db, jobId)
                .Where(c => c.Id < before)
                .OrderByDescending(c => c.Id)
                .Select(c => new { c.Id, c.Key.Length })
                .Take(PageSize)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            if (heads.Count == 0)
            {
                break;
            }

            var (taken, keyText) = (0, 0L);
            while (taken < heads.Count && (taken == 0 || keyText + heads[taken].Length <= PageKeyText))
            {
                keyText += heads[taken++].Length;
            }

            var oldest = heads[taken - 1].Id;
            var page = await ChangeRecords.Of(db, jobId).AsNoTracking()
                .Where(c => c.Id < before && c.Id >= oldest)
                .OrderByDescending(c => c.Id)
                .Take(taken)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            before = oldest;

            // Each record's key is read from its JSON once, for the preload, the dependents and the undo.
            var keyed = page.SelectMany(ChangeRecords.Entries).Select(change => db.Model.FindEntityType(change.EntityType) is { } type
                    ? new KeyedChange(change, type, EntitySnapshots.ReadKey(type, change.Key))
                    : throw new RollbackRefusedException(jobId, $"The import changed {change.EntityType} records, which {typeof(TContext).Name} no longer maps."))
                .ToList();
            await PreloadAsync(db, keyed, cancellationToken).ConfigureAwait(false);
            var blocked = await FindDependentsAsync(db, jobId, keyed, cancellationToken).ConfigureAwait(false);
            dependents.AddRange(blocked.SelectMany(b => b.Value));
            foreach (var (change, type, key) in keyed)
            {
                var current = await db.FindAsync(type.ClrType, key, cancellationToken).ConfigureAwait(false);
                var entry = current is null ? null : db.Entry(current);
                if (entry is null || !EntitySnapshots.Matches(entry, change.After))
                {
                    changedSince.Add(change.Key);
                    if (!force)
                    {
                        continue;
                    }
                }

                if (change.Created)
                {
                    if (entry is not null && (force || !blocked.ContainsKey(change.Key)))
                    {
                        db.Remove(current!);
                        deleted++;
                    }
                }
                else if (entry is not null)
                {
                    EntitySnapshots.Restore(entry, change.Before!);
                    restored++;
                }
                else
                {
                    // Deleted since the import, rolled back by force: put the before-image back.
                    var revived = db.Add(Activator.CreateInstance(type.ClrType)!);
                    foreach (var (property, value) in key.Zip(type.FindPrimaryKey()!.Properties, (v, p) => (p, v)))
                    {
                        revived.Property(property.Name).CurrentValue = value;
                    }

                    EntitySnapshots.Restore(revived, change.Before!);
                    restored++;
                }
            }

            // Saved inside the transaction, which is committed only if nothing is refused.
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            db.ChangeTracker.Clear();
        }

        if (changedSince.Count > 0 && !force)
        {
            throw new RollbackRefusedException(
                jobId,
                $"{changedSince.Count} record(s) were changed after the import, so rolling it back would lose those changes. Review them, or roll back with force to overwrite them.",
                changedSince);
        }

        if (dependents.Count > 0 && !force)
        {
            throw new RollbackRefusedException(
                jobId,
                $"{dependents.Count} record(s) depend on records the import created, and would be deleted or orphaned with them: {string.Join("; ", dependents.Take(10))}. Remove or re-link them, or roll back with force.",
                dependents: dependents);
        }

        var now = time.GetUtcNow();
        job = await db.Set<JobRecord>().SingleAsync(j => j.Id == jobId, cancellationToken).ConfigureAwait(false);
        job.Status = nameof(JobStatus.RolledBack);
        job.Version++;
        db.Add(new JobEventRecord
        {
            JobId = jobId,
            At = now,
            Action = "rolled back",
            Status = nameof(JobStatus.RolledBack),
            Actor = actor,
            Details = $"{deleted} created records deleted, {restored} updated records restored"
                + (changedSince.Count > 0 ? $", {changedSince.Count} changed since overwritten (forced)" : string.Empty)
                + (dependents.Count > 0 ? $", {dependents.Count} dependent records deleted or orphaned with them (forced)" : string.Empty),
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new RollbackResult(jobId, deleted, restored, changedSince) { Dependents = dependents };
    }

    /// <summary>
    /// Loads the changed records set-based, a thousand keys per query, so that the per-record lookups below
    /// find them in the change tracker instead of querying once per row. Composite keys are looked up one by one.
    /// </summary>
    private static async Task PreloadAsync(DbContext db, List<KeyedChange> changes, CancellationToken cancellationToken)
    {
        foreach (var group in changes.GroupBy(c => c.Type))
        {
            if (group.Key.FindPrimaryKey()!.Properties is not [var key])
            {
                continue;
            }

            var values = group.Select(c => c.Key[0]).ToList();
            var load = PreloadMethod.MakeGenericMethod(group.Key.ClrType, key.ClrType);
            await ((Task)load.Invoke(null, [db, key.Name, values, cancellationToken])!).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Finds, for the records a page of changes created, the records of other entities that reference them
    /// through a foreign key and that this import did not create itself. Keyed by the created record's key.
    /// </summary>
    private static async Task<Dictionary<string, List<string>>> FindDependentsAsync(DbContext db, Guid jobId, List<KeyedChange> changes, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, List<string>>();
        foreach (var group in changes.Where(c => c.Change.Created).GroupBy(c => c.Type))
        {
            var type = group.Key;
            if (type.FindPrimaryKey()!.Properties is not [_])
            {
                continue;
            }

            var keyOf = group.ToDictionary(c => c.Key[0]!, c => c.Change.Key);
            foreach (var foreignKey in type.GetReferencingForeignKeys().Where(f => f.PrincipalKey.IsPrimaryKey() && f.Properties is [_]))
            {
                var dependent = foreignKey.DeclaringEntityType;
                var column = foreignKey.Properties[0];
                var query = DependentsMethod.MakeGenericMethod(dependent.ClrType, column.ClrType);
                var rows = await ((Task<List<(object Principal, string Key)>>)query.Invoke(null, [db, dependent, column, keyOf.Keys.ToList(), cancellationToken])!).ConfigureAwait(false);
                var ownKeys = await ChangeRecords.CreatedAmongAsync(db, jobId, dependent.Name, rows.Select(r => r.Key).ToList(), PageSize, cancellationToken).ConfigureAwait(false);
                foreach (var (principal, key) in rows.Where(r => !ownKeys.Contains(r.Key)))
                {
                    var principalKey = keyOf[principal];
                    if (!found.TryGetValue(principalKey, out var list))
                    {
                        found[principalKey] = list = [];
                    }

                    list.Add($"{dependent.ShortName()} {key} ({column.Name} = {principal})");
                }
            }
        }

        return found;
    }

    private static readonly System.Reflection.MethodInfo PreloadMethod =
        typeof(ImportRollback<TContext>).GetMethod(nameof(LoadByKeysAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;

    private static readonly System.Reflection.MethodInfo DependentsMethod =
        typeof(ImportRollback<TContext>).GetMethod(nameof(ReferencingAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;

    private static async Task LoadByKeysAsync<TEntity, TKey>(DbContext db, string name, List<object?> values, CancellationToken cancellationToken)
        where TEntity : class
    {
        // A page's keys in one query: a page is bounded by its key text (PageKeyText), a few thousand keys at most.
        foreach (var chunk in values.OfType<TKey>().Distinct().Chunk(PageKeyText))
        {
            await db.Set<TEntity>().Where(e => chunk.Contains(EF.Property<TKey>(e, name))).LoadAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The dependents whose foreign key points at one of the principals: (principal key, dependent's primary key as JSON).</summary>
    private static async Task<List<(object Principal, string Key)>> ReferencingAsync<TDependent, TForeignKey>(
        DbContext db, Microsoft.EntityFrameworkCore.Metadata.IEntityType dependent, Microsoft.EntityFrameworkCore.Metadata.IProperty column, List<object> principals, CancellationToken cancellationToken)
        where TDependent : class
    {
        var name = column.Name;
        var keys = principals.Select(p => (TForeignKey)Convert.ChangeType(p, Nullable.GetUnderlyingType(typeof(TForeignKey)) ?? typeof(TForeignKey), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var found = new List<(object, string)>();

        // The join entity of a many-to-many with skip navigations shares its CLR type (a dictionary) with others: it is reached by name.
        var set = dependent.HasSharedClrType ? db.Set<TDependent>(dependent.Name) : db.Set<TDependent>();
        foreach (var chunk in keys.Chunk(PageSize))
        {
            var rows = await set.AsNoTracking().Where(e => chunk.Contains(EF.Property<TForeignKey>(e, name))).ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var row in rows)
            {
                if (dependent.HasSharedClrType)
                {
                    // A join row (a dictionary) cannot be tracked on its own: its values come through the model's getters.
                    found.Add((column.GetGetter().GetClrValue(row)!, EntitySnapshots.Key(dependent, row)));
                    continue;
                }

                var entry = db.Entry(row);
                found.Add((entry.Property(name).CurrentValue!, EntitySnapshots.Key(entry)));
            }
        }

        return found;
    }

    /// <summary>A change record with its entity type and its key, read from its JSON once.</summary>
    private sealed record KeyedChange(RowChangeRecord Change, Microsoft.EntityFrameworkCore.Metadata.IEntityType Type, object?[] Key);

    private void Refuse(JobRecord job, bool committedChanges)
    {
        if (job.Status == nameof(JobStatus.RolledBack))
        {
            throw new RollbackRefusedException(job.Id, $"Job {job.Id} was already rolled back.");
        }

        // A partial import that failed or was cancelled kept the batches it committed before: those are undone like any commit.
        var ended = job.Status is nameof(JobStatus.Completed) or nameof(JobStatus.CompletedWithErrors)
            || (committedChanges && job.Status is nameof(JobStatus.Failed) or nameof(JobStatus.Cancelled));
        if (job.Kind != nameof(JobKind.Import) || !ended || job.CompletedAt is null)
        {
            throw new RollbackRefusedException(job.Id, $"Job {job.Id} is a {job.Kind.ToLowerInvariant()} that ended {job.Status} without writing anything; only imports that wrote records can be rolled back.");
        }

        if (time.GetUtcNow() - job.CompletedAt.Value > options.Window)
        {
            throw new RollbackRefusedException(job.Id, $"Job {job.Id} completed at {job.CompletedAt:u}, more than {options.Window.TotalHours:0.#} hours ago; the rollback window has passed.");
        }
    }
}
