using System.Runtime.CompilerServices;
using System.Text.Json;
using BulkData.Jobs;
using BulkData.Validation;
using Microsoft.EntityFrameworkCore;

namespace BulkData.EntityFrameworkCore.Jobs;

/// <summary>
/// A durable job store on any EF Core relational provider (SQLite, PostgreSQL, SQL Server, ...), in the
/// tables <see cref="BulkDataModelBuilderExtensions.AddBulkDataJobs"/> adds to <typeparamref name="TContext"/>.
/// Updates carry a version checked by the database (a concurrency token), so many processes can update
/// jobs at once without losing one another's changes.
/// </summary>
/// <typeparam name="TContext">A context whose model includes the job tables.</typeparam>
/// <param name="contexts">Creates a context per call.</param>
/// <param name="time">Times the deletion entries of the audit history.</param>
public sealed class EntityFrameworkJobStore<TContext>(IDbContextFactory<TContext> contexts, TimeProvider time) : IJobStore
    where TContext : DbContext
{
    /// <summary>Creates a store on the system clock.</summary>
    /// <param name="contexts">Creates a context per call.</param>
    public EntityFrameworkJobStore(IDbContextFactory<TContext> contexts)
        : this(contexts, TimeProvider.System)
    {
    }

    /// <inheritdoc/>
    public async ValueTask<Job> CreateAsync(Job job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        await using var context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var record = new JobRecord { Id = job.Id };
        JobMapping.Copy(job with { Version = 1 }, record);
        await JobRowCommands.For(context).InsertAsync(context, record, cancellationToken).ConfigureAwait(false);
        return JobMapping.ToJob(record);
    }

    private static JobNotFoundException NoSuchJob(Guid id) => new(id);

    /// <summary>The job's record, by id, untracked: every read of one job, with nothing to compile.</summary>
    private static Task<JobRecord?> FindAsync(TContext context, Guid id, CancellationToken cancellationToken) =>
        JobRowCommands.For(context).FindAsync(context, id, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<Job> UpdateAsync(Job job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (SqliteJobLocks.IsHeld(job.Id) && await IsSqliteAsync(cancellationToken).ConfigureAwait(false))
        {
            // A held job's progress needs no context once its row was read under the lock: an import saves it every batch.
            var stored = SqliteJobLocks.ReadUnderLock(job.Id);
            if (stored is null)
            {
                await using var reading = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
                stored = await FindAsync(reading, job.Id, cancellationToken).ConfigureAwait(false) ?? throw NoSuchJob(job.Id);
                SqliteJobLocks.Read(stored);
            }

            if (stored.Version != job.Version)
            {
                throw new JobConcurrencyException(job.Id, job.Version);
            }

            if (job.Status.ToString() == stored.Status && job.CancelRequested == stored.CancelRequested)
            {
                // Progress of an import whose own transaction locks this file: saved after the transaction instead.
                // A change of status or a cancel request still waits for the lock.
                return job;
            }

        }

        // Every column from the job, with no read first: the UPDATE names the version the job was read at, and if
        // another writer saved in between, or the job is gone, no row matches.
        await using var context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var record = new JobRecord { Id = job.Id };
        JobMapping.Copy(job with { Version = job.Version + 1 }, record);
        if (await JobRowCommands.For(context).UpdateAsync(context, record, job.Version, cancellationToken).ConfigureAwait(false) == 0)
        {
            throw await FindAsync(context, job.Id, cancellationToken).ConfigureAwait(false) is null
                ? NoSuchJob(job.Id)
                : new JobConcurrencyException(job.Id, job.Version);
        }

        return JobMapping.ToJob(record);
    }

    /// <summary>True when the store's database is SQLite, asked of a context once.</summary>
    private async ValueTask<bool> IsSqliteAsync(CancellationToken cancellationToken)
    {
        if (sqlite is null)
        {
            await using var context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            sqlite = SqliteJobLocks.IsSqlite(context);
        }

        return sqlite.Value;
    }

    private bool? sqlite;

    /// <inheritdoc/>
    public async ValueTask<Job?> GetAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var record = await FindAsync(context, id, cancellationToken).ConfigureAwait(false);
        return record is null ? null : JobMapping.ToJob(record);
    }

    /// <inheritdoc/>
    public async ValueTask AppendEventAsync(Guid jobId, JobEvent jobEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobEvent);
        await using var context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        if (await JobEventInsert.RunAsync(context, JobMapping.ToRecord(jobId, jobEvent), cancellationToken).ConfigureAwait(false) == 0)
        {
            throw NoSuchJob(jobId);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<JobEvent>> GetHistoryAsync(Guid jobId, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var records = await context.Set<JobEventRecord>().AsNoTracking().Where(e => e.JobId == jobId).OrderBy(e => e.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        return records.ConvertAll(JobMapping.ToEvent);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<Job> QueryAsync(JobQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var jobs = context.Set<JobRecord>().AsNoTracking();
        if (query.Owner is { } owner)
        {
            jobs = jobs.Where(j => j.Owner == owner);
        }

        if (query.Tenant is { } tenant)
        {
            jobs = jobs.Where(j => j.Tenant == tenant);
        }

        if (query.Status is { } status)
        {
            var name = status.ToString();
            jobs = jobs.Where(j => j.Status == name);
        }

        if (query.Kind is { } kind)
        {
            var name = kind.ToString();
            jobs = jobs.Where(j => j.Kind == name);
        }

        if (query.CreatedFrom is { } from)
        {
            jobs = jobs.Where(j => j.CreatedAt >= from);
        }

        if (query.CreatedBefore is { } before)
        {
            jobs = jobs.Where(j => j.CreatedAt < before);
        }

        var page = jobs.OrderByDescending(j => j.CreatedAt).ThenBy(j => j.Id).Skip(query.Skip).Take(query.Take).AsAsyncEnumerable();
        await foreach (var record in page.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return JobMapping.ToJob(record);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteAsync(Guid id, string? actor = null, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var job = await FindAsync(context, id, cancellationToken).ConfigureAwait(false);
        if (job is null)
        {
            return false;
        }

        var stored = JobMapping.ToJob(job);
        if (!stored.IsFinished)
        {
            throw new JobNotFinishedException(id, stored.Status);
        }

        // The job row first and only as it was read: a commit or resume that queued it again since then wins.
        var version = job.Version;
        if (await context.Set<JobRecord>().Where(j => j.Id == id && j.Version == version).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            throw await FindAsync(context, id, cancellationToken).ConfigureAwait(false) is { } now
                ? new JobNotFinishedException(id, Enum.Parse<JobStatus>(now.Status))
                : new JobNotFoundException(id, $"Job {id} was deleted by someone else.");
        }

        await context.Set<JobEventRecord>().Where(e => e.JobId == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        await Import.ChangeRecords.Of(context, id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);

        // The deletion itself stays in the audit history.
        context.Add(JobMapping.ToRecord(id, new JobEvent(time.GetUtcNow(), "deleted", stored.Status, actor, $"{job.Kind} of {job.Resource} deleted")));
        await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<JobAuditEntry> QueryHistoryAsync(JobHistoryQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var events = context.Set<JobEventRecord>().AsNoTracking();
        if (query.Actor is { } actor)
        {
            events = events.Where(e => e.Actor == actor);
        }

        if (query.JobId is { } jobId)
        {
            events = events.Where(e => e.JobId == jobId);
        }

        if (query.From is { } from)
        {
            events = events.Where(e => e.At >= from);
        }

        if (query.Before is { } before)
        {
            events = events.Where(e => e.At < before);
        }

        var page = events.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Skip(query.Skip).Take(query.Take).AsAsyncEnumerable();
        await foreach (var record in page.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return new JobAuditEntry(record.JobId, JobMapping.ToEvent(record));
        }
    }
}

/// <summary>Maps jobs to and from their records.</summary>
internal static class JobMapping
{
    public static void Copy(Job job, JobRecord record)
    {
        record.Kind = job.Kind.ToString();
        record.Resource = job.Resource;
        record.Format = job.Format;
        record.FileName = job.FileName;
        record.Owner = job.Owner;
        record.Tenant = job.Tenant;
        record.Status = job.Status.ToString();
        record.RowsProcessed = job.Progress.RowsProcessed;
        record.TotalRows = job.Progress.TotalRows;
        record.Phase = job.Progress.Phase;
        record.Read = job.Counts.Read;
        record.Valid = job.Counts.Valid;
        record.Invalid = job.Counts.Invalid;
        record.Created = job.Counts.Created;
        record.Updated = job.Counts.Updated;
        record.Skipped = job.Counts.Skipped;
        record.Unchanged = job.Counts.Unchanged;
        record.Existing = job.Counts.Existing;
        record.Duplicates = job.Counts.Duplicates;
        record.ErrorCount = job.ErrorCount;
        record.Errors = JsonSerializer.Serialize(job.Errors);
        record.Warnings = JsonSerializer.Serialize(job.Warnings);
        record.FailureReason = job.FailureReason;
        record.Parameters = JsonSerializer.Serialize(job.Parameters);
        record.CreatedAt = job.CreatedAt;
        record.StartedAt = job.StartedAt;
        record.CompletedAt = job.CompletedAt;
        record.Checkpoint = job.Checkpoint;
        record.CancelRequested = job.CancelRequested;
        record.Version = job.Version;
    }

    public static Job ToJob(JobRecord record) => new()
    {
        Id = record.Id,
        Kind = Enum.Parse<JobKind>(record.Kind),
        Resource = record.Resource,
        Format = record.Format,
        FileName = record.FileName,
        Owner = record.Owner,
        Tenant = record.Tenant,
        Status = Enum.Parse<JobStatus>(record.Status),
        Progress = new JobProgress(record.RowsProcessed, record.TotalRows, record.Phase),
        Counts = new JobCounts(record.Read, record.Valid, record.Invalid, record.Created, record.Updated, record.Skipped, record.Unchanged, record.Existing, record.Duplicates),
        ErrorCount = record.ErrorCount,
        Errors = JsonSerializer.Deserialize<RowError[]>(record.Errors) ?? [],
        Warnings = JsonSerializer.Deserialize<string[]>(record.Warnings) ?? [],
        FailureReason = record.FailureReason,
        Parameters = JsonSerializer.Deserialize<Dictionary<string, string>>(record.Parameters) ?? [],
        CreatedAt = record.CreatedAt,
        StartedAt = record.StartedAt,
        CompletedAt = record.CompletedAt,
        Checkpoint = record.Checkpoint,
        CancelRequested = record.CancelRequested,
        Version = record.Version,
    };

    public static JobEventRecord ToRecord(Guid jobId, JobEvent jobEvent) => new()
    {
        JobId = jobId,
        At = jobEvent.At,
        Action = jobEvent.Action,
        Status = jobEvent.Status.ToString(),
        Actor = jobEvent.Actor,
        Details = jobEvent.Details,
    };

    public static JobEvent ToEvent(JobEventRecord record) =>
        new(record.At, record.Action, Enum.Parse<JobStatus>(record.Status), record.Actor, record.Details);
}
