using BulkData.Resources;
using BulkData.Validation;

namespace BulkData.Import;

/// <summary>
/// Finds keys that repeat within one file, compared as typed values (<see cref="ImportKey"/>). It remembers one entry per distinct key, so its memory grows
/// with the number of rows of a keyed resource; a resource without a key costs nothing.
/// </summary>
internal sealed class DuplicateKeys<T>(ResourceDefinition<T> resource, DuplicateKeyPolicy policy)
    where T : class
{
    private readonly Dictionary<ImportKey, long> firstRows = [];

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
        if (firstRows.TryAdd(key, row.RowNumber))
        {
            return Verdict.First;
        }

        switch (policy)
        {
            case DuplicateKeyPolicy.KeepFirst:
                return Verdict.Skip;
            case DuplicateKeyPolicy.KeepLast:
                return Verdict.Keep;
            default:
                row.AddError(resource.KeyColumns[0].Column.Name, $"The key '{key}' was already used on row {firstRows[key]}. Each row needs its own key: remove or merge the repeated rows.");
                return Verdict.First;
        }
    }
}
