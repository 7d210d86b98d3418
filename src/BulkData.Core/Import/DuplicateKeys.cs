using BulkData.Resources;
using BulkData.Validation;

namespace BulkData.Import;

/// <summary>
/// Finds keys that repeat within one file. It remembers one entry per distinct key, so its memory grows
/// with the number of rows of a keyed resource; a resource without a key costs nothing.
/// </summary>
internal sealed class DuplicateKeys<T>(IColumnBinding<T>[] keyColumns, DuplicateKeyPolicy policy)
    where T : class
{
    private readonly Dictionary<string, long> firstRows = new(StringComparer.Ordinal);

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
        if (keyColumns.Length == 0)
        {
            return Verdict.First;
        }

        var key = keyColumns.Length == 1
            ? keyColumns[0].FormatValue(row.Item) ?? string.Empty
            : string.Join('\u001F', keyColumns.Select(c => c.FormatValue(row.Item)));
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
                var shown = key.Replace('\u001F', '/');
                row.AddError(keyColumns[0].Column.Name, $"The key '{shown}' was already used on row {firstRows[key]}. Each row needs its own key: remove or merge the repeated rows.");
                return Verdict.First;
        }
    }
}
