namespace BulkData.Sources;

/// <summary>Whether a sheet shows in Excel's tabs.</summary>
public enum SheetVisibility
{
    /// <summary>Shown.</summary>
    Visible,

    /// <summary>Hidden; the user can unhide it.</summary>
    Hidden,

    /// <summary>Hidden by a program; only a program can unhide it.</summary>
    VeryHidden,
}

/// <summary>One sheet of a workbook.</summary>
/// <param name="Name">The sheet's name, as its tab shows it.</param>
/// <param name="Index">The 0-based position in the workbook, as <see cref="XlsxSourceOptions.SheetIndex"/> takes it.</param>
/// <param name="Visibility">Whether the sheet is shown.</param>
public sealed record SheetInfo(string Name, int Index, SheetVisibility Visibility);

/// <summary>What a spreadsheet cell holds.</summary>
public enum CellKind
{
    /// <summary>Nothing.</summary>
    Empty,

    /// <summary>A number (<see cref="double"/>).</summary>
    Number,

    /// <summary>Text (<see cref="string"/>).</summary>
    Text,

    /// <summary>A boolean (<see cref="bool"/>).</summary>
    Boolean,

    /// <summary>A date, with or without a time of day (<see cref="DateTime"/>), from a date number format or an ISO date cell.</summary>
    Date,

    /// <summary>A time of day (<see cref="TimeOnly"/>), from a time number format.</summary>
    Time,

    /// <summary>Elapsed time (<see cref="TimeSpan"/>), from a format such as <c>[h]:mm</c> or an ISO duration.</summary>
    Duration,

    /// <summary>An Excel error such as <c>#N/A</c> (its code, a <see cref="string"/>).</summary>
    Error,
}

/// <summary>One non-empty cell as the sheet stores it.</summary>
/// <param name="Reference">The cell's reference, e.g. <c>B3</c>.</param>
/// <param name="Kind">What the cell holds.</param>
/// <param name="Value">The typed value: see <see cref="CellKind"/> for each kind's type.</param>
public readonly record struct SpreadsheetCell(string Reference, CellKind Kind, object Value);

/// <summary>One row of a sheet with its non-empty cells.</summary>
/// <param name="RowNumber">The spreadsheet row number (1-based, as Excel shows it).</param>
/// <param name="Cells">The non-empty cells, left to right.</param>
public sealed record SpreadsheetRow(long RowNumber, IReadOnlyList<SpreadsheetCell> Cells);
