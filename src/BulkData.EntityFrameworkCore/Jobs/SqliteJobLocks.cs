using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;

namespace BulkData.EntityFrameworkCore.Jobs;

/// <summary>
/// The jobs of this process whose import holds a write transaction on a SQLite file that also holds the job
/// tables. SQLite locks the whole file while a transaction writes, so saving such a job's progress would wait on
/// the import itself: the job store leaves those saves out (the import saves its progress again once the
/// transaction ends, and reports it in memory meanwhile). Other databases lock rows, and are never held here.
/// While the lock is held nothing else can write the job's row, so the store reads it once per hold (for a cancel
/// request or another writer's save from before the lock) and not again on every batch's progress save.
/// </summary>
internal static class SqliteJobLocks
{
    // Held jobs, each with its row as the store read it under the lock (null until then).
    private static readonly ConcurrentDictionary<Guid, JobRecord?> Held = new();

    /// <summary>True when a transaction on the context would lock the job tables: SQLite, with the job tables in its model.</summary>
    public static bool LocksJobTables(DbContext db) => IsSqlite(db) && db.Model.FindEntityType(typeof(JobRecord)) is not null;

    public static bool IsSqlite(DbContext db) => db.Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite";

    public static void Hold(Guid jobId) => Held[jobId] = null;

    /// <summary>Keeps the job's row as read under the lock, where it cannot change until the lock goes.</summary>
    public static void Read(JobRecord stored) => Held.TryUpdate(stored.Id, stored, null);

    /// <summary>The job's row as read under the lock, or null when it was not read yet.</summary>
    public static JobRecord? ReadUnderLock(Guid jobId) => Held.TryGetValue(jobId, out var stored) ? stored : null;

    public static void Release(Guid jobId) => Held.TryRemove(jobId, out _);

    public static bool IsHeld(Guid jobId) => Held.ContainsKey(jobId);
}
