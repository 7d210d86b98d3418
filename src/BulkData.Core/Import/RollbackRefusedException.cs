namespace BulkData.Import;

/// <summary>
/// Thrown when a rollback is refused: the job committed nothing, it was already rolled back, its window has
/// passed, records were changed since the import (then <see cref="ChangedKeys"/> lists them), or other
/// records depend on records it would delete (then <see cref="Dependents"/> lists them).
/// </summary>
public sealed class RollbackRefusedException : BulkDataException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="message">Why, and what to do.</param>
    /// <param name="changedKeys">The keys of records changed since the import, if that is the reason.</param>
    /// <param name="dependents">The records depending on records the rollback would delete, if that is the reason.</param>
    public RollbackRefusedException(Guid jobId, string message, IReadOnlyList<string>? changedKeys = null, IReadOnlyList<string>? dependents = null)
        : base(message)
    {
        JobId = jobId;
        ChangedKeys = changedKeys ?? [];
        Dependents = dependents ?? [];
    }

    /// <summary>The primary keys (as JSON) of records changed since the import.</summary>
    public IReadOnlyList<string> ChangedKeys { get; }

    /// <summary>Records (entity, primary key and the foreign key) that depend on records the rollback would delete.</summary>
    public IReadOnlyList<string> Dependents { get; }
}
