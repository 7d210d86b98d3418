using BulkData.Resources;
using BulkData.Validation;

namespace BulkData.Import;

/// <summary>
/// Finds keys that repeat within one file, compared as typed values (<see cref="ImportKey"/>). It remembers one entry per
/// distinct key: its 128-bit hash (<see cref="KeyHash"/>) and first row, about 45 bytes (<see cref="FirstRowsByHash"/>), or the key itself when a value
/// has no canonical form. A resource without a key costs nothing.
/// </summary>
internal sealed class DuplicateKeys<T>(ResourceDefinition<T> resource, DuplicateKeyPolicy policy)
    where T : class
{
    private readonly FirstRowsByHash firstRowsByHash = new();
    private readonly Dictionary<ImportKey, long> firstRows = [];
    private readonly KeyHash hash = new();

    public enum Verdict
    {
        /// <summary>The key is new (or the resource has none): import the row.</summary>
        First,

        /// <summary>A repeat the policy keeps: import the row over the earlier one.</summary>
        Keep,

        /// <summary>A repeat the policy drops.</summary>
        Skip,
    }

    /// <summary>Checks a valid row's key; a repeat under <see cref="DuplicateKeyPolicy.Error"/> adds a row error.</summary>
    public Verdict Check(RowContext<T> row)
    {
        if (resource.KeyColumns.Length == 0)
        {
            return Verdict.First;
        }

        var key = resource.KeyOf(row.Item);
        long firstRow;
        if (hash.TryCompute(key, out var hashed))
        {
            if (firstRowsByHash.TryAdd(hashed, row.RowNumber, out firstRow))
            {
                return Verdict.First;
            }
        }
        else if (firstRows.TryAdd(key, row.RowNumber))
        {
            return Verdict.First;
        }
        else
        {
            firstRow = firstRows[key];
        }

        switch (policy)
        {
            case DuplicateKeyPolicy.KeepFirst:
                return Verdict.Skip;
            case DuplicateKeyPolicy.KeepLast:
                return Verdict.Keep;
            default:
                row.AddError(resource.KeyColumns[0].Column.Name, $"The key '{key}' was already used on row {firstRow}. Each row needs its own key: remove or merge the repeated rows.");
                return Verdict.First;
        }
    }
}
