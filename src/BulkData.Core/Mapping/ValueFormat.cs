using System.Globalization;

namespace BulkData.Mapping;

/// <summary>
/// How the values of one column are written: the culture (decimal separator, month names) and,
/// optionally, exact formats such as <c>dd/MM/yyyy</c>. The first format is also the one used on export.
/// </summary>
public sealed class ValueFormat
{
    private readonly string[] formats;

    /// <summary>Creates a value format.</summary>
    /// <param name="culture">The culture values are read and written in.</param>
    /// <param name="formats">Exact formats to accept; empty to accept anything the culture parses.</param>
    public ValueFormat(CultureInfo culture, IEnumerable<string>? formats = null)
    {
        ArgumentNullException.ThrowIfNull(culture);
        Culture = culture;
        this.formats = formats?.ToArray() ?? [];
    }

    /// <summary>The invariant culture with no exact formats: the default for every column.</summary>
    public static ValueFormat Invariant { get; } = new(CultureInfo.InvariantCulture);

    /// <summary>The culture values are read and written in.</summary>
    public CultureInfo Culture { get; }

    /// <summary>Exact formats to accept, in order; empty to accept anything the culture parses.</summary>
    public IReadOnlyList<string> Formats => formats;

    /// <summary>The exact formats as an array, for the BCL's <c>TryParseExact</c> overloads.</summary>
    internal string[] FormatArray => formats;

    /// <summary>The format used when writing a value, or null for the type's default.</summary>
    internal string? OutputFormat => formats.Length > 0 ? formats[0] : null;
}
