namespace BulkData.Import;

/// <summary>A unit of work on a target. Disposing it without <see cref="CommitAsync"/> discards everything written.</summary>
/// <typeparam name="T">The resource's item type.</typeparam>
public interface IImportTransaction<T> : IAsyncDisposable
    where T : class
{
    /// <summary>
    /// Writes a batch of valid items. Set each row's outcome on the batch when it is not
    /// <see cref="RowOutcomeKind.Created"/>. The batch is reused after the call returns: copy what you keep.
    /// </summary>
    /// <param name="batch">The items with their row numbers.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the batch is written.</returns>
    ValueTask WriteAsync(ImportBatch<T> batch, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes everything written in this transaction permanent. A target in the job store's database records
    /// <paramref name="progress"/> on the job in the same transaction, so that a partial import resumed after a
    /// crash starts after the last committed row with counts that include it.
    /// </summary>
    /// <param name="progress">The job's checkpoint and counts as they stand once this commit is done.</param>
    /// <param name="cancellationToken">Cancels the commit.</param>
    /// <returns>A task that completes when the transaction is committed.</returns>
    ValueTask CommitAsync(ImportProgress progress, CancellationToken cancellationToken = default);
}
