using System.Diagnostics.CodeAnalysis;

namespace BulkData.Mapping;

/// <summary>
/// A column's value map (<c>Map("Y", true)</c>): each mapped value is read from its labels, matched with the column's
/// culture ignoring case and accents ("oui", "OUI" and "Oui" alike; "Éte" as "ete"), and written as its first label.
/// A value without a label keeps the type's own spellings; the spelling of a value that has one is refused, so a
/// file holds one notation per value and an unmapped text is a row error listing the labels.
/// </summary>
/// <typeparam name="TValue">The member's type.</typeparam>
internal sealed class MappedValueConverter<TValue>(IReadOnlyList<KeyValuePair<string, TValue>> labels, ValueConverter<TValue> inner) : ValueConverter<TValue>
{
    // A bool or an enum whose every value has a label accepts nothing else, and says so.
    private readonly bool labelsEveryValue = EveryValue() is { } all && all.All(v => labels.Any(l => EqualityComparer<TValue>.Default.Equals(l.Value, v)));

    public override bool TryParse(ReadOnlySpan<char> text, ValueFormat format, [MaybeNullWhen(false)] out TValue value)
    {
        text = text.Trim();
        return ValueLabels.TryFind(labels, text, format.Culture, out value) || (inner.TryParse(text, format, out value) && LabelOf(value) is null);
    }

    public override string? Format(TValue value, ValueFormat format) => LabelOf(value) ?? inner.Format(value, format);

    public override bool TryFormat(TValue value, Span<char> destination, out int written, ValueFormat format)
    {
        if (LabelOf(value) is not { } label)
        {
            return inner.TryFormat(value, destination, out written, format);
        }

        written = label.Length;
        return label.AsSpan().TryCopyTo(destination);
    }

    public override string Describe(ValueFormat format)
    {
        var names = string.Join(", ", labels.DistinctBy(l => l.Value).Select(l => l.Key));
        return labelsEveryValue ? $"one of: {names}" : $"one of: {names}, or {inner.Describe(format)}";
    }

    private string? LabelOf(TValue value)
    {
        foreach (var (label, labelled) in labels)
        {
            if (EqualityComparer<TValue>.Default.Equals(labelled, value))
            {
                return label;
            }
        }

        return null;
    }

    private static IEnumerable<TValue>? EveryValue()
    {
        var type = Nullable.GetUnderlyingType(typeof(TValue)) ?? typeof(TValue);
        return type == typeof(bool) ? [(TValue)(object)true, (TValue)(object)false]
            : type.IsEnum && !type.IsDefined(typeof(FlagsAttribute), false) ? Enum.GetValuesAsUnderlyingType(type).Cast<object>().Select(v => (TValue)Enum.ToObject(type, v))
            : null;
    }
}
