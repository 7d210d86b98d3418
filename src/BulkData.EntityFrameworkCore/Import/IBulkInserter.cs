using Microsoft.EntityFrameworkCore;

namespace BulkData.EntityFrameworkCore.Import;

/// <summary>
/// Inserts new entities faster than EF Core's INSERT statements where the database has a way (PostgreSQL's
/// COPY, in <c>BulkData.PostgreSql</c>). It runs on the target's connection, inside its transaction.
/// </summary>
public interface IBulkInserter
{
    /// <summary>Inserts the entities, or declines so that EF Core inserts them.</summary>
    /// <typeparam name="TEntity">The entity type.</typeparam>
    /// <param name="context">The target's context, with its transaction open.</param>
    /// <param name="entities">New entities; database-generated keys are left to the database.</param>
    /// <param name="cancellationToken">Cancels the insert.</param>
    /// <returns>True when inserted; false when this inserter does not serve the context's provider.</returns>
    ValueTask<bool> InsertAsync<TEntity>(DbContext context, IReadOnlyList<TEntity> entities, CancellationToken cancellationToken = default)
        where TEntity : class;
}
