namespace BulkData.Mapping;

/// <summary>
/// Remembers the column mapping a user chose for a file's headers, per tenant and resource, so that the next
/// file with the same headers maps without help. An import with no explicit mapping uses the remembered one.
/// </summary>
public interface IMappingStore
{
    /// <summary>The mapping remembered for these headers, or null.</summary>
    /// <param name="tenant">The tenant; null in a single-tenant application.</param>
    /// <param name="resource">The resource's name.</param>
    /// <param name="headers">The file's headers, in order.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>Header to column, or null.</returns>
    ValueTask<IReadOnlyDictionary<string, string>?> GetAsync(string? tenant, string resource, IReadOnlyList<string> headers, CancellationToken cancellationToken = default);

    /// <summary>Remembers a mapping for these headers, replacing any earlier one.</summary>
    /// <param name="tenant">The tenant; null in a single-tenant application.</param>
    /// <param name="resource">The resource's name.</param>
    /// <param name="headers">The file's headers, in order.</param>
    /// <param name="mapping">Header to column.</param>
    /// <param name="cancellationToken">Cancels saving.</param>
    /// <returns>A task that completes when it is saved.</returns>
    ValueTask SaveAsync(string? tenant, string resource, IReadOnlyList<string> headers, IReadOnlyDictionary<string, string> mapping, CancellationToken cancellationToken = default);
}
