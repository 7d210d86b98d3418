namespace BulkData.Sources;

/// <summary>One non-empty cell as the sheet stores it.</summary>
/// <param name="Reference">The cell's reference, e.g. <c>B3</c>.</param>
/// <param name="Kind">What the cell holds.</param>
/// <param name="Value">The typed value: see <see cref="CellKind"/> for each kind's type.</param>
public readonly record struct SpreadsheetCell(string Reference, CellKind Kind, object Value);
