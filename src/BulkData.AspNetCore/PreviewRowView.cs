namespace BulkData.AspNetCore;

/// <summary>One previewed row: its cells as read and its errors.</summary>
/// <param name="RowNumber">The 1-based data row.</param>
/// <param name="LineNumber">The line (CSV) or sheet row (XLSX) it starts on.</param>
/// <param name="Cells">The cells as read.</param>
/// <param name="Errors">What is wrong with it; empty when it would import.</param>
public sealed record PreviewRowView(long RowNumber, long LineNumber, IReadOnlyList<string?> Cells, IReadOnlyList<Validation.RowError> Errors);
