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
