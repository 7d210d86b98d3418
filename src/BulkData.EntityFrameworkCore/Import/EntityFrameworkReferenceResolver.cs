using BulkData.Import;
using Microsoft.EntityFrameworkCore;

namespace BulkData.EntityFrameworkCore.Import;

/// <summary>
/// Resolves lookup columns in <typeparamref name="TContext"/>'s database, each call on a context of its own: for the
/// runs that write nowhere (previews, dry runs, exports) or into another target. An import into the EF Core target resolves in
/// its own transaction instead.
/// </summary>
/// <typeparam name="TContext">The context holding the referenced records.</typeparam>
internal sealed class EntityFrameworkReferenceResolver<TContext>(IDbContextFactory<TContext> contexts) : IReferenceResolver
    where TContext : DbContext
{
    public async ValueTask<IReadOnlyDictionary<TNatural, object>> ResolveAsync<TReferenced, TNatural>(string naturalKey, IReadOnlyCollection<TNatural> values, CancellationToken cancellationToken = default)
        where TReferenced : class
        where TNatural : notnull
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await ReferenceQueries.ResolveAsync<TReferenced, TNatural>(db, naturalKey, values, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyDictionary<object, TNatural>> NaturalKeysAsync<TReferenced, TKey, TNatural>(string naturalKey, IReadOnlyCollection<TKey> keys, CancellationToken cancellationToken = default)
        where TReferenced : class
        where TNatural : notnull
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await ReferenceQueries.NaturalKeysAsync<TReferenced, TKey, TNatural>(db, naturalKey, keys, cancellationToken).ConfigureAwait(false);
    }
}
