using BulkData.Import;

namespace BulkData.Packages;

/// <summary>One package import's transaction, shared by the targets of all its resources.</summary>
public interface IPackageTransaction : IAsyncDisposable
{
    /// <summary>
    /// A target writing <typeparamref name="T"/> in this transaction. Its transactions' commits make nothing
    /// permanent (only <see cref="CommitAsync"/> does), and disposing them discards nothing.
    /// </summary>
    /// <typeparam name="T">The resource's item type.</typeparam>
    /// <returns>The target.</returns>
    IImportTarget<T> TargetFor<T>()
        where T : class;

    /// <summary>
    /// The records of <typeparamref name="T"/> as this transaction sees them, the package's rows written so far
    /// included: references are resolved by filtering it on the parent's key.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <returns>A query; asynchronous when it is also an <see cref="IAsyncEnumerable{T}"/>.</returns>
    IQueryable<T> Query<T>()
        where T : class;

    /// <summary>Makes everything written to every resource permanent.</summary>
    /// <param name="cancellationToken">Cancels the commit.</param>
    /// <returns>A task that completes when the transaction is committed.</returns>
    ValueTask CommitAsync(CancellationToken cancellationToken = default);
}
