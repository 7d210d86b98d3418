namespace BulkData.Import;

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
