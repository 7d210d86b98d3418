using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;

namespace BulkData.EntityFrameworkCore.Jobs;

/// <summary>
/// The jobs of this process whose import holds a write transaction on a SQLite file that also holds the job
/// tables. SQLite locks the whole file while a transaction writes, so saving such a job's progress would wait on
/// the import itself: the job store leaves those saves out (the import saves its progress again once the
/// transaction ends, and reports it in memory meanwhile). Other databases lock rows, and are never held here.
/// </summary>
internal static class SqliteJobLocks
{
    private static readonly ConcurrentDictionary<Guid, byte> Held = new();

    /// <summary>True when a transaction on the context would lock the job tables: SQLite, with the job tables in its model.</summary>
    public static bool LocksJobTables(DbContext db) => IsSqlite(db) && db.Model.FindEntityType(typeof(JobRecord)) is not null;

    public static bool IsSqlite(DbContext db) => db.Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite";

    public static void Hold(Guid jobId) => Held[jobId] = 0;

    public static void Release(Guid jobId) => Held.TryRemove(jobId, out _);

    public static bool IsHeld(Guid jobId) => Held.ContainsKey(jobId);
}
