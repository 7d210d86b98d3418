namespace BulkData.Packages;

/// <summary>
/// Where a data package's resources are written: every resource in one transaction, so that a package imports
/// all or nothing. <c>BulkData.EntityFrameworkCore</c> ships <c>EntityFrameworkPackageTarget</c>.
/// </summary>
public interface IPackageImportTarget
{
    /// <summary>Starts the package's transaction.</summary>
    /// <param name="jobId">The package import's job: a target that records changes for rollback records them under it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The transaction; disposing it without <see cref="IPackageTransaction.CommitAsync"/> discards everything written.</returns>
    ValueTask<IPackageTransaction> BeginAsync(Guid jobId, CancellationToken cancellationToken = default);
}
