using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace BulkData.Mapping;

/// <summary>Remembered mappings in memory: the default, for one process; lost when it stops.</summary>
public sealed class InMemoryMappingStore : IMappingStore
{
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> mappings = new(StringComparer.Ordinal);

    /// <summary>
    /// A key for a tenant's resource and a file's headers: the headers as a user sees them (trimmed, case
    /// ignored), in order, hashed, so the same columns in the same order find the same mapping.
    /// </summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="resource">The resource's name.</param>
    /// <param name="headers">The headers.</param>
    /// <returns>The key.</returns>
    public static string Signature(string? tenant, string resource, IReadOnlyList<string> headers)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(headers);
        var text = string.Join('\u001f', headers.Select(h => h.Trim().ToUpperInvariant()).Prepend(resource.ToUpperInvariant()).Prepend(tenant ?? string.Empty));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyDictionary<string, string>?> GetAsync(string? tenant, string resource, IReadOnlyList<string> headers, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(mappings.GetValueOrDefault(Signature(tenant, resource, headers)));

    /// <inheritdoc/>
    public ValueTask SaveAsync(string? tenant, string resource, IReadOnlyList<string> headers, IReadOnlyDictionary<string, string> mapping, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        mappings[Signature(tenant, resource, headers)] = new Dictionary<string, string>(mapping, StringComparer.OrdinalIgnoreCase);
        return ValueTask.CompletedTask;
    }
}
