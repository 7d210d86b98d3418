using BulkData.Validation;

namespace BulkData;

/// <summary>One previewed row.</summary>
/// <typeparam name="T">The resource's item type.</typeparam>
/// <param name="RowNumber">The 1-based data row.</param>
/// <param name="LineNumber">The 1-based line where it starts.</param>
/// <param name="Item">The item built from the row; null when the row's shape was broken.</param>
/// <param name="Cells">The raw cells.</param>
/// <param name="Errors">The row's errors.</param>
public sealed record PreviewRow<T>(long RowNumber, long LineNumber, T? Item, IReadOnlyList<string?> Cells, IReadOnlyList<RowError> Errors)
    where T : class
{
    /// <summary>True when the row has no errors.</summary>
    public bool IsValid => Errors.Count == 0;
}
