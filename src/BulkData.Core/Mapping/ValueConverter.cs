using System.Diagnostics.CodeAnalysis;

namespace BulkData.Mapping;

/// <summary>
/// Converts the text of a cell to a <typeparamref name="TValue"/> and back. Derive from it to
/// teach BulkData a type or a spelling it does not know, then register it per resource or per column.
/// </summary>
/// <typeparam name="TValue">The type of the member the column maps to.</typeparam>
public abstract class ValueConverter<TValue>
{
    /// <summary>Parses non-empty cell text. Empty cells never reach a converter.</summary>
    /// <param name="text">The cell text, never empty.</param>
    /// <param name="format">The column's culture and formats.</param>
    /// <param name="value">The parsed value.</param>
    /// <returns>True when the text is a valid value.</returns>
    public abstract bool TryParse(ReadOnlySpan<char> text, ValueFormat format, [MaybeNullWhen(false)] out TValue value);

    /// <summary>Formats a value as cell text.</summary>
    /// <param name="value">The value to write.</param>
    /// <param name="format">The column's culture and formats.</param>
    /// <returns>The text, or null for an empty cell.</returns>
    public virtual string? Format(TValue value, ValueFormat format) => value switch
    {
        null => null,
        IFormattable formattable => formattable.ToString(format.OutputFormat, format.Culture),
        _ => value.ToString(),
    };

    /// <summary>
    /// Formats a value into a buffer, for sinks that write text without a string per cell. The default
    /// calls <see cref="Format"/>; the built-in converters format in place.
    /// </summary>
    /// <param name="value">The value to write.</param>
    /// <param name="destination">Where to write the text.</param>
    /// <param name="written">How many characters were written.</param>
    /// <param name="format">The column's culture and formats.</param>
    /// <returns>False when the buffer is too small (or the value formats as null); the caller then uses <see cref="Format"/>.</returns>
    public virtual bool TryFormat(TValue value, Span<char> destination, out int written, ValueFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        var text = Format(value, format);
        written = text?.Length ?? 0;
        return text is not null && text.AsSpan().TryCopyTo(destination);
    }

    /// <summary>
    /// Says what a valid value looks like, for messages such as
    /// <c>'abc' is not a number like 1234.5</c>. Write it for a person, not a programmer.
    /// </summary>
    /// <param name="format">The column's culture and formats.</param>
    /// <returns>A phrase such as <c>a whole number from 0 to 255</c>.</returns>
    public abstract string Describe(ValueFormat format);
}
