namespace BulkData.Import;

/// <summary>
/// Finds referenced records by a natural key, a set of values at a time: what a lookup column
/// (<see cref="Resources.ColumnBuilder.LookUp{TReferenced}"/>) needs to turn a file's "ann@example.com" into the
/// customer's id, and an export to write the id back as the e-mail. An import asks its target's transaction when it
/// implements this (the EF Core target does, so the lookups read in the import's own transaction), else the one
/// registered in DI (for previews, dry runs and exports).
/// </summary>
public interface IReferenceResolver
{
    /// <summary>
    /// The keys of the <typeparamref name="TReferenced"/> records whose <paramref name="naturalKey"/> member holds one of
    /// <paramref name="values"/>, by value. Text matches exactly, else ignoring case when exactly one record matches so.
    /// A value no record holds is left out.
    /// </summary>
    /// <typeparam name="TReferenced">The referenced records' type.</typeparam>
    /// <typeparam name="TNatural">The natural key's type.</typeparam>
    /// <param name="naturalKey">The member holding the natural key, e.g. <c>Email</c>.</param>
    /// <param name="values">The distinct values to find.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>Each found value's record key.</returns>
    ValueTask<IReadOnlyDictionary<TNatural, object>> ResolveAsync<TReferenced, TNatural>(string naturalKey, IReadOnlyCollection<TNatural> values, CancellationToken cancellationToken = default)
        where TReferenced : class
        where TNatural : notnull;

    /// <summary>
    /// Creates a <typeparamref name="TReferenced"/> record for each value (a lookup's <c>orCreate</c>), its other members
    /// at their defaults, where the import writes, so a rollback of the import removes them; returns each value's new key.
    /// A resolver that reads only (a preview's) leaves this unimplemented: the values then count as resolved.
    /// </summary>
    /// <typeparam name="TReferenced">The referenced records' type.</typeparam>
    /// <typeparam name="TNatural">The natural key's type.</typeparam>
    /// <param name="naturalKey">The member holding the natural key.</param>
    /// <param name="values">The values no record holds.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Each value's new record key.</returns>
    ValueTask<IReadOnlyDictionary<TNatural, object>> CreateAsync<TReferenced, TNatural>(string naturalKey, IReadOnlyCollection<TNatural> values, CancellationToken cancellationToken = default)
        where TReferenced : class
        where TNatural : notnull =>
        throw new NotSupportedException($"{GetType().Name} reads records only; a lookup that creates the records it does not find writes through the import's target.");

    /// <summary>True when <see cref="CreateAsync"/> creates records (a target's transaction), false for a resolver that only reads.</summary>
    bool Creates => false;

    /// <summary>The natural keys of the <typeparamref name="TReferenced"/> records with the given keys, by key; a key no record has is left out.</summary>
    /// <typeparam name="TReferenced">The referenced records' type.</typeparam>
    /// <typeparam name="TKey">The records' key type (as the referencing member holds it, maybe nullable).</typeparam>
    /// <typeparam name="TNatural">The natural key's type.</typeparam>
    /// <param name="naturalKey">The member holding the natural key, e.g. <c>Email</c>.</param>
    /// <param name="keys">The distinct keys to name.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>Each found key's natural key, by the key (boxed).</returns>
    ValueTask<IReadOnlyDictionary<object, TNatural>> NaturalKeysAsync<TReferenced, TKey, TNatural>(string naturalKey, IReadOnlyCollection<TKey> keys, CancellationToken cancellationToken = default)
        where TReferenced : class
        where TNatural : notnull;
}
