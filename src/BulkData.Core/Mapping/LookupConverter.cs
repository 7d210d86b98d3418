using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace BulkData.Mapping;

/// <summary>
/// Reads a lookup column: the cell's natural key (an e-mail, a code) as the key of the record that holds it, resolved
/// by the import a batch at a time before its rows are read (<see cref="ReferenceLookup"/>). An unknown value is a row
/// error naming the value and the referenced records. Written on export as the natural key again (named a batch at a
/// time by the export), so an exported file imports back.
/// </summary>
/// <typeparam name="TValue">The member's type: the referenced record's key.</typeparam>
internal sealed class LookupConverter<TValue>(ReferenceLookup lookup, ValueConverter<TValue> own) : ValueConverter<TValue>, IExplainsRejection
{
    /// <summary>The reference the column looks up.</summary>
    public ReferenceLookup Lookup => lookup;

    /// <summary>The converter for one run: with a lookup of its own, which remembers only what that run resolves.</summary>
    public LookupConverter<TValue> ForRun() => new(lookup.Fresh(), own);

    public override bool TryParse(ReadOnlySpan<char> text, ValueFormat format, [MaybeNullWhen(false)] out TValue value)
    {
        if (!lookup.TryFind(text, format, out var key))
        {
            value = default;
            return false;
        }

        value = key switch
        {
            null => default!,
            TValue typed => typed,
            _ => (TValue)Convert.ChangeType(key, Nullable.GetUnderlyingType(typeof(TValue)) ?? typeof(TValue), CultureInfo.InvariantCulture),
        };
        return true;
    }

    public override string? Format(TValue value, ValueFormat format) => value is null ? null : lookup.NameOf(value, format) ?? own.Format(value, format);

    public override bool TryFormat(TValue value, Span<char> destination, out int written, ValueFormat format)
    {
        var text = Format(value, format);
        written = text?.Length ?? 0;
        return text is not null && text.AsSpan().TryCopyTo(destination);
    }

    public override string Describe(ValueFormat format) => $"the {lookup.Member} of a {lookup.Referenced}";

    public string? Explain(ReadOnlySpan<char> text, ValueFormat format) =>
        $"No {lookup.Referenced} has the {lookup.Member} '{text.Trim()}'. Check the value, or add the {lookup.Referenced} first.";
}
