using System.Globalization;

namespace BulkData.Mapping;

/// <summary>How a cell's text is matched with a value's label (a value map's, an enum member's): in the column's culture, ignoring case, accents and width.</summary>
internal static class ValueLabels
{
    private const CompareOptions Matching = CompareOptions.IgnoreCase | CompareOptions.IgnoreNonSpace | CompareOptions.IgnoreKanaType | CompareOptions.IgnoreWidth;

    /// <summary>The value of the first label the text matches; false when it matches none.</summary>
    public static bool TryFind<TValue>(IEnumerable<KeyValuePair<string, TValue>> labels, ReadOnlySpan<char> text, CultureInfo culture, out TValue value)
    {
        foreach (var (label, labelled) in labels)
        {
            if (culture.CompareInfo.Compare(text, label, Matching) == 0)
            {
                value = labelled;
                return true;
            }
        }

        value = default!;
        return false;
    }
}
