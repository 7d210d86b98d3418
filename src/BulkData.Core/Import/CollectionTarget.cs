namespace BulkData.Import;

/// <summary>
/// Imports into an <see cref="ICollection{T}"/>, such as a <see cref="List{T}"/>. Rows are buffered
/// in the transaction and added on commit, so a failed all-or-nothing import leaves the collection as it was.
/// Adds are serialised on the collection, so one collection can take several imports.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="collection">The collection to add to.</param>
public sealed class CollectionTarget<T>(ICollection<T> collection) : IImportTarget<T>
    where T : class
{
    /// <inheritdoc/>
    public ValueTask<IImportTransaction<T>> BeginAsync(ImportTargetContext context, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IImportTransaction<T>>(new Transaction(collection));

    private sealed class Transaction(ICollection<T> collection) : IImportTransaction<T>
    {
        private readonly List<T> pending = [];

        public ValueTask WriteAsync(ImportBatch<T> batch, CancellationToken cancellationToken = default)
        {
            pending.AddRange(batch.Items);
            return ValueTask.CompletedTask;
        }

        public ValueTask CommitAsync(ImportProgress progress, CancellationToken cancellationToken = default)
        {
            lock (collection)
            {
                foreach (var item in pending)
                {
                    collection.Add(item);
                }
            }

            pending.Clear();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            pending.Clear();
            return ValueTask.CompletedTask;
        }
    }
}
