using BulkData.Jobs;

namespace BulkData.Import;

/// <summary>
/// Undoes a committed import: what a target that records its changes offers (the EF Core one registers it
/// with <c>UseEntityFrameworkJobStore</c>), and what the HTTP API calls.
/// </summary>
public interface IImportRollback
{
    /// <summary>Rolls an import of the caller's scope back; another tenant's (or user's) import is "not found".</summary>
    /// <param name="jobId">The import's job.</param>
    /// <param name="scope">The caller's tenant (and user), recorded as the actor.</param>
    /// <param name="force">Also undo records changed since the import, and delete records others depend on.</param>
    /// <param name="cancellationToken">Cancels the rollback; nothing is changed.</param>
    /// <returns>What was undone.</returns>
    /// <exception cref="JobNotFoundException">There is no such job in the caller's scope.</exception>
    /// <exception cref="RollbackRefusedException">The rollback is not allowed; nothing was changed.</exception>
    Task<RollbackResult> RollbackAsync(Guid jobId, JobScope scope, bool force = false, CancellationToken cancellationToken = default);
}

/// <summary>What a rollback did.</summary>
/// <param name="JobId">The import's job.</param>
/// <param name="Deleted">Records the import had created, now deleted.</param>
/// <param name="Restored">Records the import had updated, now restored to their before-image.</param>
/// <param name="Overridden">Records changed since the import whose changes a forced rollback overwrote or deleted.</param>
public sealed record RollbackResult(Guid JobId, int Deleted, int Restored, IReadOnlyList<string> Overridden)
{
    /// <summary>Records of other imports or of the application that depended on deleted records, deleted or orphaned by a forced rollback.</summary>
    public IReadOnlyList<string> Dependents { get; init; } = [];
}
