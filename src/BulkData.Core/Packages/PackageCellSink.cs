using BulkData.Mapping;
using BulkData.Sinks;

namespace BulkData.Packages;

/// <summary>
/// Writes a package table's cells: every value in its invariant form (whatever the column's display format, so
/// any tool reads it back), and the text set for the row in place of a reference's id (the parent's key) or an
/// attachment's id (its path in the package).
/// </summary>
internal sealed class PackageCellSink(IExportSink inner, int columns) : IExportSink
{
    private readonly string?[] replacements = new string?[columns];
    private readonly bool[] replaced = new bool[columns];
    private int column;

    public string Format => inner.Format;

    /// <summary>Writes <paramref name="text"/> for a column of the next row instead of its value.</summary>
    public void Replace(int index, string? text)
    {
        replaced[index] = true;
        replacements[index] = text;
    }

    public ValueTask BeginAsync(IReadOnlyList<string> headers, CancellationToken cancellationToken = default) => inner.BeginAsync(headers, cancellationToken);

    public void WriteCell<TValue>(TValue value, ValueConverter<TValue> converter, ValueFormat format)
    {
        if (replaced[column])
        {
            WriteReplacement();
        }
        else
        {
            inner.WriteCell(value, converter, ValueFormat.Invariant);
        }

        column++;
    }

    public void WriteEmptyCell()
    {
        if (replaced[column])
        {
            WriteReplacement();
        }
        else
        {
            inner.WriteEmptyCell();
        }

        column++;
    }

    private void WriteReplacement()
    {
        if (replacements[column] is { } text)
        {
            inner.WriteCell(text, StringConverter.Instance, ValueFormat.Invariant);
        }
        else
        {
            inner.WriteEmptyCell();
        }
    }

    public ValueTask EndRowAsync(CancellationToken cancellationToken = default)
    {
        column = 0;
        Array.Clear(replaced);
        return inner.EndRowAsync(cancellationToken);
    }

    public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => inner.CompleteAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
