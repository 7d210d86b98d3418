namespace BulkData.Sources;

/// <summary>One sheet of a workbook.</summary>
/// <param name="Name">The sheet's name, as its tab shows it.</param>
/// <param name="Index">The 0-based position in the workbook, as <see cref="XlsxSourceOptions.SheetIndex"/> takes it.</param>
/// <param name="Visibility">Whether the sheet is shown.</param>
public sealed record SheetInfo(string Name, int Index, SheetVisibility Visibility);
