namespace BulkData.Resources;

/// <summary>
/// Maps a member to a column by its position in files that have no header row (<c>HasHeaderRow = false</c>
/// on the source): 0 is the first column. Files with a header row are still matched by name. The fluent
/// <c>Column(..., c =&gt; c.Position(n))</c> does the same per resource.
/// </summary>
/// <param name="index">The 0-based position of the column.</param>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class PositionAttribute(int index) : Attribute
{
    /// <summary>The 0-based position of the column.</summary>
    public int Index { get; } = index;
}
