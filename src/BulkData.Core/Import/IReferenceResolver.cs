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
