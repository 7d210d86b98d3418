namespace BulkData.Sources;

/// <summary>
/// A row of cells for <see cref="SourceRow.Cells"/> with a flag per cell telling typed values (written by a program,
/// in invariant notation) from text as a person typed it: what a source of spreadsheet or typed data hands on.
/// </summary>
/// <param name="texts">The cell texts in header order; null for a cell without a value.</param>
/// <param name="typed">For each cell, whether it holds a typed value in invariant notation; as long as <paramref name="texts"/>.</param>
public sealed class TypedCells(string?[] texts, bool[] typed) : IReadOnlyList<string?>, ITypedCells
{
    /// <inheritdoc/>
    public int Count => texts.Length;

    /// <inheritdoc/>
    public string? this[int index] => texts[index];

    /// <inheritdoc/>
    public bool IsTyped(int index) => typed[index];

    /// <inheritdoc/>
    public IEnumerator<string?> GetEnumerator() => ((IEnumerable<string?>)texts).GetEnumerator();

    /// <inheritdoc/>
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => texts.GetEnumerator();
}
