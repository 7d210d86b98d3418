using System.ComponentModel.DataAnnotations;
using BulkData.EntityFrameworkCore.Jobs;
using BulkData.Jobs;
using Microsoft.EntityFrameworkCore;

namespace BulkData.EntityFrameworkCore.Import;

/// <summary>How rollbacks behave.</summary>
public sealed class RollbackOptions
{
    /// <summary>How long after it completed an import can be rolled back. Default: 24 hours.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>What a rollback did.</summary>
/// <param name="JobId">The import's job.</param>
/// <param name="Deleted">Records the import had created, now deleted.</param>
/// <param name="Restored">Records the import had updated, now restored to their before-image.</param>
/// <param name="Overridden">Records changed since the import whose changes a forced rollback overwrote or deleted.</param>
public sealed record RollbackResult(Guid JobId, int Deleted, int Restored, IReadOnlyList<string> Overridden);

/// <summary>
/// Thrown when a rollback is refused: the job is not a committed import, it was already rolled back, its
/// window has passed, or records were changed since the import (then <see cref="ChangedKeys"/> lists them).
/// </summary>
public sealed class RollbackRefusedException : BulkDataException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="message">Why, and what to do.</param>
    /// <param name="changedKeys">The keys of records changed since the import, if that is the reason.</param>
    public RollbackRefusedException(Guid jobId, string message, IReadOnlyList<string>? changedKeys = null)
        : base(message)
    {
        JobId = jobId;
        ChangedKeys = changedKeys ?? [];
    }

    /// <summary>The primary keys (as JSON) of records changed since the import.</summary>
    public IReadOnlyList<string> ChangedKeys { get; }
}

/// <summary>
/// Undoes a committed import recorded by <see cref="EntityFrameworkImportTarget{TContext, TEntity}"/>: in one
/// transaction, deletes the records it created, restores those it updated, and marks the job rolled back.
/// Records changed since the import (their values differ from what it wrote) are refused unless forced.
/// </summary>
/// <typeparam name="TContext">The context holding both the imported entities and the job tables.</typeparam>
/// <param name="contexts">Creates the context.</param>
/// <param name="time">The clock the window is measured with.</param>
/// <param name="options">The rollback window; null for 24 hours.</param>
public sealed class ImportRollback<TContext>(IDbContextFactory<TContext> contexts, TimeProvider time, RollbackOptions? options = null)
    where TContext : DbContext
{
    private readonly RollbackOptions options = options ?? new RollbackOptions();

    /// <summary>Rolls an import back.</summary>
    /// <param name="jobId">The import's job.</param>
    /// <param name="actor">Who rolls it back, for the job's history.</param>
    /// <param name="force">Also undo records changed since the import, overwriting those changes.</param>
    /// <param name="cancellationToken">Cancels the rollback; nothing is changed.</param>
    /// <returns>What was undone.</returns>
    /// <exception cref="RollbackRefusedException">The rollback is not allowed; nothing was changed.</exception>
    public async Task<RollbackResult> RollbackAsync(Guid jobId, string? actor = null, bool force = false, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var job = await db.Set<JobRecord>().SingleOrDefaultAsync(j => j.Id == jobId, cancellationToken).ConfigureAwait(false)
            ?? throw new RollbackRefusedException(jobId, $"There is no job {jobId}.");
        Refuse(job);

        var changes = await db.Set<RowChangeRecord>().Where(c => c.JobId == jobId).OrderByDescending(c => c.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        await PreloadAsync(db, changes, cancellationToken).ConfigureAwait(false);
        var changedSince = new List<string>();
        int deleted = 0, restored = 0;
        foreach (var change in changes)
        {
            var type = db.Model.FindEntityType(change.EntityType)
                ?? throw new RollbackRefusedException(jobId, $"The import changed {change.EntityType} records, which {typeof(TContext).Name} no longer maps.");
            var current = await db.FindAsync(type.ClrType, EntitySnapshots.ReadKey(type, change.Key), cancellationToken).ConfigureAwait(false);
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
                if (entry is not null)
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
                foreach (var (property, value) in EntitySnapshots.ReadKey(type, change.Key).Zip(type.FindPrimaryKey()!.Properties, (v, p) => (p, v)))
                {
                    revived.Property(property.Name).CurrentValue = value;
                }

                EntitySnapshots.Restore(revived, change.Before!);
                restored++;
            }
        }

        if (changedSince.Count > 0 && !force)
        {
            throw new RollbackRefusedException(
                jobId,
                $"{changedSince.Count} record(s) were changed after the import, so rolling it back would lose those changes. Review them, or roll back with force to overwrite them.",
                changedSince);
        }

        var now = time.GetUtcNow();
        job.Status = nameof(JobStatus.RolledBack);
        job.Version++;
        db.Add(new JobEventRecord
        {
            JobId = jobId,
            At = now,
            Action = "rolled back",
            Status = nameof(JobStatus.RolledBack),
            Actor = actor,
            Details = $"{deleted} created records deleted, {restored} updated records restored" + (changedSince.Count > 0 ? $", {changedSince.Count} changed since overwritten (forced)" : string.Empty),
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new RollbackResult(jobId, deleted, restored, changedSince);
    }

    /// <summary>
    /// Loads the changed records set-based, a thousand keys per query, so that the per-record lookups below
    /// find them in the change tracker instead of querying once per row. Composite keys are looked up one by one.
    /// </summary>
    private static async Task PreloadAsync(DbContext db, List<RowChangeRecord> changes, CancellationToken cancellationToken)
    {
        foreach (var group in changes.GroupBy(c => c.EntityType))
        {
            if (db.Model.FindEntityType(group.Key) is not { } type || type.FindPrimaryKey()!.Properties is not [var key])
            {
                continue;
            }

            var values = group.Select(c => EntitySnapshots.ReadKey(type, c.Key)[0]).ToList();
            var load = PreloadMethod.MakeGenericMethod(type.ClrType, key.ClrType);
            await ((Task)load.Invoke(null, [db, key.Name, values, cancellationToken])!).ConfigureAwait(false);
        }
    }

    private static readonly System.Reflection.MethodInfo PreloadMethod =
        typeof(ImportRollback<TContext>).GetMethod(nameof(LoadByKeysAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;

    private static async Task LoadByKeysAsync<TEntity, TKey>(DbContext db, string name, List<object?> values, CancellationToken cancellationToken)
        where TEntity : class
    {
        foreach (var chunk in values.OfType<TKey>().Distinct().Chunk(1_000))
        {
            await db.Set<TEntity>().Where(e => chunk.Contains(EF.Property<TKey>(e, name))).LoadAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void Refuse(JobRecord job)
    {
        if (job.Status == nameof(JobStatus.RolledBack))
        {
            throw new RollbackRefusedException(job.Id, $"Job {job.Id} was already rolled back.");
        }

        if (job.Kind != nameof(JobKind.Import) || job.Status is not (nameof(JobStatus.Completed) or nameof(JobStatus.CompletedWithErrors)) || job.CompletedAt is null)
        {
            throw new RollbackRefusedException(job.Id, $"Job {job.Id} is a {job.Kind.ToLowerInvariant()} that ended {job.Status}; only completed imports can be rolled back.");
        }

        if (time.GetUtcNow() - job.CompletedAt.Value > options.Window)
        {
            throw new RollbackRefusedException(job.Id, $"Job {job.Id} completed at {job.CompletedAt:u}, more than {options.Window.TotalHours:0.#} hours ago; the rollback window has passed.");
        }
    }
}
