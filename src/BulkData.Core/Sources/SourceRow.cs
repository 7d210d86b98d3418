using BulkData.Validation;

namespace BulkData.Sources;

/// <summary>One data row as a source read it.</summary>
/// <param name="RowNumber">The 1-based data row (the header and blank rows are not counted).</param>
/// <param name="LineNumber">The 1-based physical line (or spreadsheet row) where the row starts.</param>
/// <param name="Cells">The cell texts in header order, read in each column's culture and formats; null for a cell the source had no value for. A list that also implements <see cref="ITypedCells"/> marks the values a program wrote in invariant notation. A source may reuse the list for the next row: read it before reading on.</param>
/// <param name="Problem">A structural problem that makes the row unusable (too many values, a broken quote), or null.</param>
public sealed record SourceRow(long RowNumber, long LineNumber, IReadOnlyList<string?> Cells, RowError? Problem = null)
{
    /// <summary>Something about the row that does not stop it from importing but that the user should know (e.g. values beyond the last header), or null.</summary>
    public string? Warning { get; init; }
}
