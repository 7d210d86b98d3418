namespace BulkData.Sources;

/// <summary>
/// A row's cells kept as characters in one reused buffer, read as spans by the import pipeline and turned
/// into strings only when someone asks for one (an error message, a string member). Valid until the next row.
/// </summary>
internal sealed class CharCells : IReadOnlyList<string?>, IFieldSpans
{
    private char[] text = new char[1_024];
    private int[] offsets = new int[16];
    private int[] lengths = new int[16];
    private string?[] strings = new string?[16];
    private int used;

    public int Count { get; private set; }

    public string? this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return lengths[index] < 0 ? null : strings[index] ??= new string(GetSpan(index));
        }
    }

    public ReadOnlySpan<char> GetSpan(int index) => lengths[index] < 0 ? [] : text.AsSpan(offsets[index], lengths[index]);

    /// <summary>Starts a new row of <paramref name="count"/> cells, all null.</summary>
    public void Clear(int count)
    {
        if (offsets.Length < count)
        {
            offsets = new int[count];
            lengths = new int[count];
            strings = new string?[count];
        }
        else
        {
            Array.Clear(strings, 0, count);
        }

        lengths.AsSpan(0, count).Fill(-1);
        Count = count;
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

    /// <summary>Makes the characters written into the last <see cref="Reserve"/> the cell's text.</summary>
    public void Commit(int index, int length)
    {
        offsets[index] = used;
        lengths[index] = length;
        used += length;
    }

    public IEnumerator<string?> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
