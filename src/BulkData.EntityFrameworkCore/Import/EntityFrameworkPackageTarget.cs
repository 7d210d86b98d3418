using BulkData.Import;
using BulkData.Packages;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace BulkData.EntityFrameworkCore.Import;

/// <summary>
/// Imports a data package into the entities of one EF Core context, all resources in one database transaction:
/// every resource is written with <see cref="EntityFrameworkImportTarget{TContext, TEntity}"/>'s matching, merging
/// and change records (under the package's job, so <see cref="ImportRollback{TContext}"/> undoes the whole package),
/// and references are resolved by querying the same transaction, so a child finds the parents written before it.
/// </summary>
/// <typeparam name="TContext">The application's context, holding every entity the package imports.</typeparam>
/// <param name="contexts">Creates the transaction's context.</param>
/// <param name="options">The merge strategy and other options of every resource not given its own with <see cref="Merge{T}"/>; null for the defaults.</param>
public sealed class EntityFrameworkPackageTarget<TContext>(IDbContextFactory<TContext> contexts, EntityFrameworkTargetOptions? options = null) : IPackageImportTarget
    where TContext : DbContext
{
    private readonly IDbContextFactory<TContext> contexts = contexts;
    private readonly EntityFrameworkTargetOptions defaults = BulkDataConfigurationException.ThrowIfInvalid(options ?? new EntityFrameworkTargetOptions());
    private readonly Dictionary<Type, EntityFrameworkTargetOptions> byType = [];

    /// <summary>Gives one resource its own merge strategy (the others keep the default's), e.g. upsert accounts but fail on existing transactions.</summary>
    /// <typeparam name="T">The resource's item type.</typeparam>
    /// <param name="strategy">What happens to its rows whose key exists.</param>
    /// <returns>This target.</returns>
    public EntityFrameworkPackageTarget<TContext> Merge<T>(MergeStrategy strategy)
        where T : class
    {
        byType[typeof(T)] = defaults.WithMergeStrategy(strategy);
        return this;
    }

    /// <inheritdoc/>
    public async ValueTask<IPackageTransaction> BeginAsync(Guid jobId, CancellationToken cancellationToken = default)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return new PackageTransaction(this, db, await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            await db.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private sealed class PackageTransaction(EntityFrameworkPackageTarget<TContext> owner, TContext db, IDbContextTransaction transaction) : IPackageTransaction
    {
        public IImportTarget<T> TargetFor<T>()
            where T : class =>
            new SharedTarget<T>(new EntityFrameworkImportTarget<TContext, T>(owner.contexts, owner.byType.GetValueOrDefault(typeof(T)) ?? owner.defaults), db);

        public IQueryable<T> Query<T>()
            where T : class => db.Set<T>().AsNoTracking();

        public async ValueTask CommitAsync(CancellationToken cancellationToken = default) =>
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            await db.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed class SharedTarget<T>(EntityFrameworkImportTarget<TContext, T> target, TContext db) : IImportTarget<T>
        where T : class
    {
        public bool ValidatesMergedRecords => target.ValidatesMergedRecords;

        public ValueTask<IImportTransaction<T>> BeginAsync(ImportTargetContext context, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(target.BeginShared(db, context));
    }
}
