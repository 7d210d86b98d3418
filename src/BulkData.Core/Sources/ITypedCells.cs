namespace BulkData.Sources;

/// <summary>
/// Cells that say which of them a program wrote as typed values (an XLSX number, boolean or date, a JSON
/// number or boolean), in invariant notation; the others are text as a person typed it, read in the column's culture.
/// A source describes its cells this way: let the <see cref="SourceRow.Cells"/> list implement it, and a typed
/// <c>1234.5</c> imports as a number whatever the column's culture. Cells of a list that does not implement it are text.
/// </summary>
public interface ITypedCells
{
    /// <summary>True when the cell at <paramref name="index"/> holds a typed value in invariant notation.</summary>
    /// <param name="index">The cell's index in header order.</param>
    /// <returns>Whether the cell is typed.</returns>
    bool IsTyped(int index);
}
