using System.Globalization;
using System.Numerics;

namespace BulkData.Mapping;

/// <summary>A converter that can say why it refused a text better than "is not a ...": an ambiguity, a wrong notation.</summary>
internal interface IExplainsRejection
{
    /// <summary>The reason, written for a person, or null when the generic message says it all.</summary>
    string? Explain(ReadOnlySpan<char> text, ValueFormat format);
}

/// <summary>
/// Refuses numbers whose thousands separators could mean something else. The BCL's <c>AllowThousands</c>
/// ignores group separators wherever they stand, so "1,5" reads as 15 and "12,50" as 1250; here they must
/// stand where the culture puts them, and under the invariant culture (no culture chosen) a single
/// separator followed by exactly three digits ("1,234") is refused as ambiguous.
/// </summary>
internal static class NumberNotation
{
    public enum Verdict
    {
        /// <summary>No separator, or separators where the culture puts them.</summary>
        Readable,

        /// <summary>Separators where the culture does not put them.</summary>
        Misgrouped,

        /// <summary>Could be a thousands separator or a decimal separator.</summary>
        Ambiguous,
    }

    /// <summary>Parses a number in the format's culture, thousands separators allowed only where they belong.</summary>
    public static bool TryParse<T>(ReadOnlySpan<char> text, NumberStyles styles, ValueFormat format, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T value)
        where T : INumberBase<T>
    {
        if (Check(text, format) != Verdict.Readable)
        {
            value = default;
            return false;
        }

        return T.TryParse(text, styles | NumberStyles.AllowThousands, format.Culture, out value);
    }

    public static Verdict Check(ReadOnlySpan<char> text, ValueFormat format)
    {
        var numbers = format.Culture.NumberFormat;
        var group = numbers.NumberGroupSeparator;
        if (group.Length == 0 || !text.Contains(group, StringComparison.Ordinal))
        {
            return Verdict.Readable;
        }

        var decimalAt = text.IndexOf(numbers.NumberDecimalSeparator, StringComparison.Ordinal);
        var integer = decimalAt < 0 ? text : text[..decimalAt];
        if (decimalAt >= 0 && text[decimalAt..].Contains(group, StringComparison.Ordinal))
        {
            return Verdict.Misgrouped;
        }

        integer = integer.Trim().TrimStart(numbers.NegativeSign).TrimStart(numbers.PositiveSign).TrimStart();
        var sizes = numbers.NumberGroupSizes;
        var groups = 0;
        var end = integer.Length;
        while (true)
        {
            var at = integer[..end].LastIndexOf(group, StringComparison.Ordinal);
            var length = end - (at < 0 ? 0 : at + group.Length);
            var size = sizes.Length == 0 ? 3 : sizes[Math.Min(groups, sizes.Length - 1)];
            if (at < 0)
            {
                // The leading group has 1 to size digits.
                if (length < 1 || (size > 0 && length > size))
                {
                    return Verdict.Misgrouped;
                }

                break;
            }

            if (size > 0 && length != size)
            {
                return Verdict.Misgrouped;
            }

            groups++;
            end = at;
        }

        return groups == 1 && decimalAt < 0 && format.Culture.Equals(CultureInfo.InvariantCulture) ? Verdict.Ambiguous : Verdict.Readable;
    }

    public static string? Explain(ReadOnlySpan<char> text, ValueFormat format)
    {
        var numbers = format.Culture.NumberFormat;
        return Check(text, format) switch
        {
            Verdict.Ambiguous =>
                $"'{text}' is ambiguous: it could be {text.ToString().Replace(numbers.NumberGroupSeparator, string.Empty, StringComparison.Ordinal)} or {text.ToString().Replace(numbers.NumberGroupSeparator, ".", StringComparison.Ordinal)}. " +
                "Set the file's culture with WithCulture(...) (e.g. en-US or de-DE) or the column's with Culture(...), or write the number without thousands separators.",
            Verdict.Misgrouped =>
                $"'{text}' is not a number in this column's notation ({CultureName(format.Culture)}: '{numbers.NumberGroupSeparator}' separates thousands, '{numbers.NumberDecimalSeparator}' decimals). " +
                "Set the file's culture with WithCulture(...) or the column's with Culture(...), e.g. de-DE for 1.234,5.",
            _ => null,
        };
    }

    private static string CultureName(CultureInfo culture) => culture.Name.Length == 0 ? "invariant" : culture.Name;
}

/// <summary>
/// Refuses dates whose day and month could be swapped ("03/04/2024") when no culture or format says which
/// comes first: under the invariant culture the BCL would silently read them month first.
/// </summary>
internal static class DateNotation
{
    public static bool IsAmbiguous(ReadOnlySpan<char> text, ValueFormat format) => Swappable(text, format) is not null;

    public static string? Explain(ReadOnlySpan<char> text, ValueFormat format) =>
        Swappable(text, format) is var (first, second)
            ? $"'{text}' could be {Month(second)} {first} or {Month(first)} {second}: the file does not say whether the day or the month comes first. " +
              "Set the file's culture with WithCulture(...) (e.g. en-GB or en-US) or the column's format (e.g. dd/MM/yyyy), or write dates as yyyy-MM-dd."
            : null;

    /// <summary>The two leading numbers of a d/m/y or m/d/y date when both could be the month and they differ.</summary>
    private static (int First, int Second)? Swappable(ReadOnlySpan<char> text, ValueFormat format)
    {
        if (format.FormatArray.Length > 0 || !format.Culture.Equals(CultureInfo.InvariantCulture))
        {
            return null;
        }

        text = text.TrimStart();
        var first = LeadingNumber(ref text);
        if (first is < 1 or > 12 || text.IsEmpty || text[0] is not ('/' or '.' or '-'))
        {
            return null;
        }

        var separator = text[0];
        text = text[1..];
        var second = LeadingNumber(ref text);
        return second is >= 1 and <= 12 && second != first && !text.IsEmpty && text[0] == separator ? (first, second) : null;
    }

    private static int LeadingNumber(ref ReadOnlySpan<char> text)
    {
        var length = 0;
        while (length < text.Length && length < 3 && char.IsAsciiDigit(text[length]))
        {
            length++;
        }

        var number = length is 1 or 2 ? int.Parse(text[..length], CultureInfo.InvariantCulture) : -1;
        text = text[length..];
        return number;
    }

    private static string Month(int month) => CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(month);
}
