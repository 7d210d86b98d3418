namespace BulkData.Sources;

/// <summary>Cells that can be read as spans, without a string each; the import pipeline asks for them.</summary>
internal interface IFieldSpans
{
    /// <summary>The text of a cell of the current row, valid until the next row is read.</summary>
    ReadOnlySpan<char> GetSpan(int index);
}

/// <summary>
/// A row's cells held by a source's buffers: read as spans by the pipeline, turned into a string only when
/// someone asks for one (an error message, a string member), and valid until the source reads the next row.
/// </summary>
internal abstract class FieldCells : IReadOnlyList<string?>, IFieldSpans
{
    private string?[] strings = new string?[16];

    public abstract int Count { get; }

    public string? this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return IsNull(index) ? null : strings[index] ??= new string(GetSpan(index));
        }
    }

    public abstract ReadOnlySpan<char> GetSpan(int index);

    public IEnumerator<string?> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>True for a cell with no value at all (JSON null), as opposed to an empty one.</summary>
    protected virtual bool IsNull(int index) => false;

    /// <summary>Forgets the strings made for the previous row.</summary>
    protected void ResetStrings(int count)
    {
        if (strings.Length < count)
        {
            strings = new string?[count * 2];
        }
        else
        {
            Array.Clear(strings);
        }
    }
}

/// <summary>A row's cells copied as characters into one reused buffer (the JSON source's values, unescaped).</summary>
internal sealed class CharCells : FieldCells, ITypedCells
{
    private char[] text = new char[1_024];
    private int[] offsets = new int[16];
    private int[] lengths = new int[16];
    private bool[] typed = new bool[16];
    private int count;
    private int used;

    public override int Count => count;

    public override ReadOnlySpan<char> GetSpan(int index) => lengths[index] < 0 ? [] : text.AsSpan(offsets[index], lengths[index]);

    /// <summary>Starts a new row of <paramref name="count"/> cells, all null.</summary>
    public void Clear(int count)
    {
        if (offsets.Length < count)
        {
            offsets = new int[count];
            lengths = new int[count];
            typed = new bool[count];
        }

        ResetStrings(count);
        lengths.AsSpan(0, count).Fill(-1);
        this.count = count;
        used = 0;
    }

    /// <summary>Reserves room for a cell of at most <paramref name="maxLength"/> characters; call <see cref="Commit"/> with what was written.</summary>
    public Span<char> Reserve(int maxLength)
    {
        if (used + maxLength > text.Length)
        {
            Array.Resize(ref text, Math.Max(text.Length * 2, used + maxLength));
        }

        return text.AsSpan(used, maxLength);
    }

    /// <summary>Makes the characters written into the last <see cref="Reserve"/> the cell's text; typed for a number or boolean.</summary>
    public void Commit(int index, int length, bool isTyped = false)
    {
        offsets[index] = used;
        lengths[index] = length;
        typed[index] = isTyped;
        used += length;
    }

    public bool IsTyped(int index) => typed[index];

    protected override bool IsNull(int index) => lengths[index] < 0;
}
