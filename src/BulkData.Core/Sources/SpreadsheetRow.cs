namespace BulkData.Sources;

/// <summary>One row of a sheet with its non-empty cells.</summary>
/// <param name="RowNumber">The spreadsheet row number (1-based, as Excel shows it).</param>
/// <param name="Cells">The non-empty cells, left to right.</param>
public sealed record SpreadsheetRow(long RowNumber, IReadOnlyList<SpreadsheetCell> Cells);
