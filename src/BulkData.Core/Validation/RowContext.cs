namespace BulkData.Validation;

/// <summary>
/// The row being imported, as hooks and validators see it: where it is in the file, the item built
/// from it, its raw cells, and the errors found so far. One instance is reused from row to row, so
/// do not keep a reference to it after your hook or validator returns.
/// </summary>
/// <typeparam name="T">The resource's item type.</typeparam>
public sealed class RowContext<T>
    where T : class
{
    private readonly ColumnLookup columns;
    private readonly List<RowError> errors = [];
    private readonly bool[] failedColumns;
    private IReadOnlyList<string?> cells = [];
    private int[] cellOfColumn = [];
    private T? item;

    internal RowContext(ColumnLookup columns)
    {
        this.columns = columns;
        failedColumns = new bool[columns.Count];
    }

    /// <summary>The 1-based data row (the header row is not counted).</summary>
    public long RowNumber { get; private set; }

    /// <summary>The 1-based physical line (or spreadsheet row) where the row starts.</summary>
    public long LineNumber { get; private set; }

    /// <summary>The item built from the row. Its members hold whatever converted successfully.</summary>
    public T Item => item ?? throw new InvalidOperationException("The item has not been created yet for this row.");

    /// <summary>The raw cells of the row, in file order.</summary>
    public IReadOnlyList<string?> Cells => cells;

    /// <summary>True when any error has been recorded for the row.</summary>
    public bool HasErrors => errors.Count > 0;

    /// <summary>The errors recorded for the row so far.</summary>
    public IReadOnlyList<RowError> Errors => errors;

    /// <summary>Gets the raw text of a column in this row.</summary>
    /// <param name="column">The column's header name or member name.</param>
    /// <returns>The raw text, or null when the file has no such column.</returns>
    public string? GetRawValue(string column)
    {
        var index = columns.IndexOf(column);
        return index >= 0 ? RawValueAt(index) : null;
    }

    /// <summary>Records an error for the row.</summary>
    /// <param name="column">The column's header name or member name; null for a problem with the row as a whole.</param>
    /// <param name="message">A message a non-programmer can act on.</param>
    public void AddError(string? column, string message)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        var index = column is null ? -1 : columns.IndexOf(column);

        // A value that failed conversion already has its error; rules on its default value would only add noise.
        if (index >= 0 && failedColumns[index])
        {
            return;
        }

        errors.Add(new RowError(
            RowErrorKind.Validation,
            message,
            RowNumber,
            LineNumber,
            index >= 0 ? columns.NameAt(index) : column,
            index >= 0 ? RawValueAt(index) : null));
    }

    internal void Reset(long rowNumber, long lineNumber, IReadOnlyList<string?> rowCells, int[] cellIndexByColumn)
    {
        RowNumber = rowNumber;
        LineNumber = lineNumber;
        cells = rowCells;
        cellOfColumn = cellIndexByColumn;
        item = null;
        errors.Clear();
        Array.Clear(failedColumns);
    }

    /// <summary>
    /// True when the target validates merged records itself (<see cref="Import.IImportTarget{T}.ValidatesMergedRecords"/>):
    /// then members the file has no column for hold mere defaults and their attributes are not checked on the row.
    /// </summary>
    internal bool ChecksOnlyFileColumns { get; set; }

    /// <summary>True when the file has a column for the member.</summary>
    internal bool IsInFile(string member)
    {
        var index = columns.IndexOf(member);
        return index >= 0 && index < cellOfColumn.Length && cellOfColumn[index] >= 0;
    }

    internal void SetItem(T value) => item = value;

    internal void AddError(RowError error) => errors.Add(error);

    internal void AddConversionError(int columnIndex, string message, RowErrorKind kind = RowErrorKind.Conversion)
    {
        failedColumns[columnIndex] = true;
        errors.Add(new RowError(kind, message, RowNumber, LineNumber, columns.NameAt(columnIndex), RawValueAt(columnIndex)));
    }

    private string? RawValueAt(int columnIndex)
    {
        var cell = columnIndex < cellOfColumn.Length ? cellOfColumn[columnIndex] : -1;
        return cell >= 0 && cell < cells.Count ? cells[cell] : null;
    }
}

/// <summary>Finds a resource column's index by header name or member name, ignoring case.</summary>
internal sealed class ColumnLookup
{
    private readonly string[] names;
    private readonly Dictionary<string, int> byName = new(StringComparer.OrdinalIgnoreCase);

    public ColumnLookup(IReadOnlyList<Resources.ResourceColumn> columns)
    {
        names = columns.Select(c => c.Name).ToArray();
        for (var i = 0; i < columns.Count; i++)
        {
            byName.TryAdd(columns[i].Name, i);
        }

        for (var i = 0; i < columns.Count; i++)
        {
            byName.TryAdd(columns[i].MemberName, i);
        }
    }

    public int Count => names.Length;

    public int IndexOf(string column) => byName.TryGetValue(column, out var index) ? index : -1;

    public string NameAt(int index) => names[index];
}
